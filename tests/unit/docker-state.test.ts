/**
 * Issue 25: "The state dir lives inside the container. With `--rm`, a killed run's journal is gone, and
 * two containers on one host share no lock. docs/install.md says nothing about it." The image puts the
 * state directory at a fixed path meant for a volume, and its example and the docs mount one and say why.
 * (This machine has no Docker: tests/conformance/package.test.ts runs the image's command through the bin.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultStateDir } from "../../src/config/state-dir.js";

const dockerfile = readFileSync("Dockerfile", "utf8");
const install = readFileSync("docs/install.md", "utf8");

describe("issue 25: Docker keeps the state directory in a volume", () => {
  it("the image's state directory is /state/tenant-api-conformance, a volume owned by the user it runs as", () => {
    const xdg = /^ENV XDG_STATE_HOME=(\S+)$/m.exec(dockerfile)?.[1];
    expect(xdg).toBe("/state");
    expect(defaultStateDir({ XDG_STATE_HOME: xdg })).toBe("/state/tenant-api-conformance");
    expect(dockerfile).toMatch(/^VOLUME \/state$/m);
    expect(dockerfile).toMatch(/^RUN mkdir .*\/state && chown node:node .*\/state$/m);
  });

  it("the Dockerfile's example and docs/install.md mount it, and say why", () => {
    expect(dockerfile).toContain("-v tenant-api-state:/state");
    const docker = install.slice(install.indexOf("## Docker"), install.indexOf("## How this is tested"));
    expect(docker).toContain("-v tenant-api-state:/state");
    expect(docker).toContain("`--rm` deletes it with the container");
    expect(docker).toContain("share no lock");
  });
});
