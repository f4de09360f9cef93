/**
 * issue 13: "the gate can pass without having run". A run that ends without a verdict is exit 2, and
 * against the embedded provider any skipped check is a failure of the suite itself.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { launch } from "../../src/cli/launch.js";
import { catalog } from "../../src/conformance/catalog.js";
import { embeddedSkipFailure } from "../../src/conformance/embedded-gate.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { runConformance } from "../support/cli.js";
import { memoryIo } from "../support/cli-io.js";

const NEVER_LISTEN = fileURLToPath(new URL("../support/preload/never-listen.mjs", import.meta.url));

describe("a run that ends without a verdict", () => {
  it("exits 2, not 0, when the embedded provider never starts listening", async () => {
    const run = await runConformance(["--report-dir", mkdtempSync(join(tmpdir(), "conformance-"))], {
      env: { NODE_OPTIONS: `--import ${NEVER_LISTEN}` },
    });
    // The header line comes before the provider starts; no summary follows it.
    expect(run.stdout).toMatch(
      /^Running \d+ checks \(\+ \d+ every-response rules \+ the restore = \d+ results\) against the embedded reference provider[^\n]*\n$/,
    );
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

/** issue 18: a --checks run reported a plain PASS although most checks did not run, and its replay dropped the selection. */
describe("a run of selected checks", () => {
  const chosen = "list-owner-200,get-own-200-equals-list-entry";
  const flags = `--checks ${chosen}`;

  it("names its selection in the header, the console verdict, the replay and every report, and its PASS is the selection's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verdict-selection-"));
    const cli = memoryIo({ cwd: dir });
    expect(await launch(["conformance", "--checks", chosen, "--seed", "5", "--report-dir", dir], {}, cli.io)).toBe(0);
    const out = cli.stdout();
    const total = catalog.length;
    expect(out.split("\n")[0]).toMatch(
      new RegExp(`^Running 2 of ${total} checks \\(${flags}\\) \\(\\+ \\d+ every-response rules[^)]*\\) against the embedded`),
    );
    const verdictLine = out.split("\n").find((line) => line.startsWith("Verdict: "));
    expect(verdictLine).toMatch(
      new RegExp(`^Verdict: PASS for the selected checks only \\(only 2 of ${total} checks selected \\(${flags}\\)\\)`),
    );
    expect(out).toContain(`Replay: npm run conformance -- --seed 5 --runs 100 ${flags}`);

    const json = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8"));
    expect(json.verdict).toMatchObject({ outcome: "PASS", selection: { args: ["--checks", chosen], selected: 2, total } });
    expect(json.selection.notSelected).toHaveLength(total - 2);
    expect(json.replay).toContain(flags);

    const junit = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(junit).toContain('name="verdict: PASS for the selected checks only"');
    expect(junit).toContain(`<property name="selection" value="2 of ${total} checks: ${flags}"/>`);
    expect(junit).toContain(`<property name="replay" value="npm run conformance -- --seed 5 --runs 100 ${flags}"/>`);

    const { document } = parseHTML(readFileSync(join(dir, "report.html"), "utf8"));
    const verdict = document.querySelector("#verdict");
    expect(verdict?.getAttribute("data-scope")).toBe("selection");
    expect(verdict?.querySelector("strong")?.textContent).toBe("PASS for the selected checks only");
    expect(verdict?.querySelector(".replay")?.textContent).toContain(flags);
  });

  it("a run of every check names no selection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verdict-all-"));
    const cli = memoryIo({ cwd: dir });
    expect(await launch(["conformance", "--runs", "3", "--report-dir", dir], {}, cli.io)).toBe(0);
    expect(cli.stdout()).toMatch(/^Verdict: PASS — embedded reference provider/m);
    expect(cli.stdout()).not.toContain("selected");
    expect(JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")).verdict.selection).toBeUndefined();
  });
});

/** issue 18: an INCOMPLETE run with half its checks skipped was a surprise at the end; the header says it first. */
describe("the header line says how many checks will be skipped, and why, before the first request", () => {
  it("counts the skips a read-only run without personas will make, exactly as the run makes them", async () => {
    const provider = await startProvider();
    try {
      const dir = mkdtempSync(join(tmpdir(), "verdict-skips-"));
      const cli = memoryIo({ cwd: dir });
      // A live target with only the owner (no member, outsider, admin or foreign org) and no leave to write.
      const env = {
        TENANT_API_BASE_URL: provider.baseUrl,
        TENANT_API_TOKEN: provider.tokens.owner,
        TENANT_API_ORG_ID: provider.orgs.editable,
      };
      expect(await launch(["conformance", "--runs", "3", "--report-dir", dir], env, cli.io)).toBe(0);
      const header = cli.stdout().split("\n")[0]; // written before the first request (tests/unit/cli.test.ts)
      const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as { checks: { outcome: string; reason?: string }[] };
      const skipped = report.checks.filter((check) => check.outcome === "skip");
      expect(skipped.length).toBeGreaterThan(catalog.length / 4);
      expect(header).toContain(`; ${skipped.length} of ${catalog.length} checks will be skipped (the verdict will be INCOMPLETE): `);
      const reasons = new Set(skipped.map((check) => check.reason));
      for (const reason of reasons) {
        const count = skipped.filter((check) => check.reason === reason).length;
        expect(header).toContain(`${count} × ${reason}`);
      }
      expect(cli.stdout()).toMatch(/^Verdict: INCOMPLETE/m);
    } finally {
      await provider.close();
    }
  });
});
