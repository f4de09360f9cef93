/**
 * issue 13: "the gate can pass without having run". A run that ends without a verdict is exit 2, and
 * against the embedded provider any skipped check is a failure of the suite itself.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { embeddedSkipFailure } from "../../src/conformance/embedded-gate.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { runConformance } from "../support/cli.js";

const NEVER_LISTEN = fileURLToPath(new URL("../support/preload/never-listen.mjs", import.meta.url));

describe("a run that ends without a verdict", () => {
  it("exits 2, not 0, when the embedded provider never starts listening", async () => {
    const run = await runConformance(["--report-dir", mkdtempSync(join(tmpdir(), "conformance-"))], {
      env: { NODE_OPTIONS: `--import ${NEVER_LISTEN}` },
    });
    // The header line comes before the provider starts; no summary follows it.
    expect(run.stdout).toMatch(/^Running \d+ checks against the embedded reference provider[^\n]*\n$/);
    expect(run.stderr).toContain("conformance: the run ended without a verdict");
    expect(run.code).toBe(2);
  });
});

describe("against the embedded provider, a skipped check fails the suite", () => {
  it("names the skipped checks when the provider has no organizations", async () => {
    const provider = await startProvider();
    provider.state.organizations.clear();
    const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
    try {
      const validators = specValidators();
      const target = { ...targetFromProvider(provider), orgId: undefined, foreignOrgId: undefined };
      const result = await runChecks({ target, transport, validators, spec: validators.spec, generated: { seed: 1, runs: 5 } });
      expect(result.checks.filter((check) => check.outcome === "skip").length).toBeGreaterThan(10);
      expect(embeddedSkipFailure(result)).toMatch(/^\d+ check\(s\) skipped against the embedded provider, .*the suite itself is broken: /);
      expect(embeddedSkipFailure({ ...result, target: { ...result.target, embedded: false } })).toBeUndefined();
    } finally {
      await transport.close();
      await provider.close();
    }
  });

  it("accepts the skips --read-only asks for", async () => {
    const provider = await startProvider();
    const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
    try {
      const validators = specValidators();
      const target = targetFromProvider(provider, "--read-only was given");
      const result = await runChecks({ target, transport, validators, spec: validators.spec });
      expect(result.checks.some((check) => check.outcome === "skip")).toBe(true);
      expect(embeddedSkipFailure(result)).toBeUndefined();
    } finally {
      await transport.close();
      await provider.close();
    }
  });
});
