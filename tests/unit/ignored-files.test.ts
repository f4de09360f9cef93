/**
 * What the docs' recipes leave in a checkout (issue 26): the nightly recipe's .conformance-state/ and
 * `npm pack`'s tarball. Git must not offer them for a commit, and `npm run lint` must not fail on them.
 * Both are checked in a scratch folder with this repository's .gitignore and biome.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "ignored-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LEFT_BEHIND = [".conformance-state/previous/conformance.json", "tenant-api-conformance-0.1.0.tgz"];

describe("files the recipes leave behind (issue 26)", () => {
  copyFileSync(join(ROOT, ".gitignore"), join(scratch, ".gitignore"));
  copyFileSync(join(ROOT, "biome.json"), join(scratch, "biome.json"));
  for (const file of LEFT_BEHIND) {
    mkdirSync(join(scratch, file, ".."), { recursive: true });
    // Written as a run writes them: not in Biome's format.
    writeFileSync(join(scratch, file), '{"verdict":   "PASS"}');
  }

  it("are ignored by git", () => {
    execFileSync("git", ["init", "-q"], { cwd: scratch });
    const ignored = spawnSync("git", ["check-ignore", ...LEFT_BEHIND], { cwd: scratch, encoding: "utf8" });
    expect(ignored.stdout.trim().split("\n").sort()).toEqual([...LEFT_BEHIND].sort());
  });

  it("are not linted by npm run lint (biome check --error-on-warnings .)", () => {
    const biome = join(ROOT, "node_modules/.bin/biome");
    const lint = spawnSync(biome, ["check", "--error-on-warnings", "."], { cwd: scratch, encoding: "utf8" });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });
});
