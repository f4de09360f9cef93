/**
 * A fast smoke of `npm run mutation` (the full run takes minutes and is not part of `npm test`): the
 * Stryker configuration is valid against Stryker's own schema, names files that exist, and its dry run
 * (instrument every mutant, then run the gate once against the unmutated provider) succeeds.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const config = JSON.parse(readFileSync(`${ROOT}stryker.config.json`, "utf8")) as { mutate: string[]; commandRunner: { command: string } };

describe("npm run mutation", () => {
  it("has a configuration that Stryker's schema accepts and that names existing files", () => {
    const schemaFile = `${ROOT}node_modules/@stryker-mutator/core/schema/stryker-schema.json`;
    const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    for (const file of config.mutate) expect(existsSync(`${ROOT}${file}`), file).toBe(true);
  });

  it("instruments the reference provider and passes its dry run (the gate against the unmutated provider)", () => {
    const run = spawnSync(`${ROOT}node_modules/.bin/stryker`, ["run", "--dryRunOnly", "--tempDirName", ".stryker-smoke"], {
      cwd: ROOT,
      encoding: "utf8",
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TENANT_API_"))),
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Instrumented \d+ source file\(s\) with \d+ mutant\(s\)/);
    expect(run.stdout).toMatch(/Initial test run succeeded/);
  }, 120_000);
});
