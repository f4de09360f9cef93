/** The gate as a team runs it on a schedule: baseline, known issues, history, --fail-on-skip, bad inputs. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { afterEach, describe, expect, it } from "vitest";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { runConformance } from "../support/cli.js";
import { archiveIsForever } from "../support/unsafe-servers.js";

const providers: ProviderHandle[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

async function provider(options: ProviderOptions = {}): Promise<{ handle: ProviderHandle; requests: string[] }> {
  const requests: string[] = [];
  const handle = await startProvider({
    ...options,
    intercept: (request) => {
      requests.push(`${request.method} ${request.url}`);
      return false;
    },
  });
  providers.push(handle);
  return { handle, requests };
}

/** A live target, read-only (no TENANT_API_ALLOW_MUTATIONS): the PATCH checks are skipped. */
function liveEnv(p: ProviderHandle): Record<string, string> {
  return {
    TENANT_API_BASE_URL: p.baseUrl,
    TENANT_API_TOKEN: p.tokens.owner,
    TENANT_API_ORG_ID: p.orgs.editable,
    TENANT_API_MEMBER_TOKEN: p.tokens.member,
    TENANT_API_OUTSIDER_TOKEN: p.tokens.outsider,
    TENANT_API_INFERENCE_KEY: p.tokens.inferenceKey,
    TENANT_API_FOREIGN_ORG_ID: p.orgs.foreign,
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "regression-"));

interface Report {
  verdict: { outcome: string };
  findings: { fingerprint: string; state: string; rule: string; occurrences: number; reproduce?: { curl: string } }[];
}
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as Report;

describe("regression runs", () => {
  it("compare with a baseline, accept known issues, report stale ones, and keep a history drawn in the report", async () => {
    // A deploy that shows every organization with a status outside the enum.
    const { handle } = await provider({ rules: { present: (org) => ({ ...org, status: "deleted" }) } });
    const env = liveEnv(handle);
    const work = tempDir();
    const history = join(work, "history.jsonl");
    const [first, second, third] = [join(work, "1"), join(work, "2"), join(work, "3")];

    const run1 = await runConformance(["--report-dir", first, "--history", history], { env, cwd: work });
    expect(run1.code).toBe(1);
    const report1 = readReport(first);
    expect(report1.verdict.outcome).toBe("FAIL");
    expect(report1.findings.map((f) => [f.rule, f.state])).toEqual(report1.findings.map(() => ["response-schema", "new"]));
    expect(report1.findings.every((f) => f.reproduce?.curl.includes('"$TENANT_API_TOKEN"'))).toBe(true);
    expect(run1.stdout).toContain(`Findings: ${report1.findings.length} new, 0 fixed, 0 unchanged`);

    const baseline = join(first, "conformance.json");
    const run2 = await runConformance(["--report-dir", second, "--history", history, "--baseline", baseline, "--fail-on", "new"], {
      env,
      cwd: work,
    });
    expect(run2.stdout).toContain(`Findings: 0 new, 0 fixed, ${report1.findings.length} unchanged`);
    expect(run2.stdout).toContain("Verdict: INCOMPLETE"); // the PATCH checks were skipped; nothing new fails
    expect(run2.code).toBe(0);

    const known = join(work, "known-issues.json");
    const entries = report1.findings.map((f) => ({
      fingerprint: f.fingerprint,
      reason: "API-77: enum widened next sprint",
      until: "2999-12-31",
    }));
    writeFileSync(known, JSON.stringify([...entries, { fingerprint: "0123456789abcdef", reason: "fixed in 1.4", until: "2999-12-31" }]));
    const run3 = await runConformance(["--report-dir", third, "--history", history, "--known-issues", known, "--fail-on-skip"], {
      env,
      cwd: work,
    });
    expect(run3.stdout).toContain("STALE known issue 0123456789abcdef");
    expect(readReport(third).findings.map((f) => f.state)).toEqual(report1.findings.map(() => "known"));
    expect(run3.stdout).toContain("Verdict: INCOMPLETE");
    expect(run3.code).toBe(1); // --fail-on-skip

    expect(readFileSync(history, "utf8").trim().split("\n")).toHaveLength(3);
    const { document } = parseHTML(readFileSync(join(third, "report.html"), "utf8"));
    expect(document.querySelectorAll("svg.trend-outcomes g.run")).toHaveLength(3);
    expect([...document.querySelectorAll("tr.finding")].map((row) => row.getAttribute("data-state"))).toEqual(
      report1.findings.map(() => "known"),
    );
    expect(document.querySelector("#verdict")?.getAttribute("data-verdict")).toBe("INCOMPLETE");
  });

  it.each([
    ["a known-issues file that breaks its schema", (dir: string) => ["--known-issues", write(dir, "k.json", '[{"fingerprint":"x"}]')]],
    ["a known-issues file that is not JSON", (dir: string) => ["--known-issues", write(dir, "k.json", "[{")]],
    ["a baseline without findings", (dir: string) => ["--baseline", write(dir, "b.json", '{"checks":[]}')]],
    ["a history file with a broken line", (dir: string) => ["--history", write(dir, "h.jsonl", "garbage\n")]],
    // issue 18: a run record without counts crashed the trends after the writes.
    [
      "a history file whose run has no counts",
      (dir: string) => [
        "--history",
        write(dir, "h.jsonl", `${JSON.stringify({ time: "2026-01-01T00:00:00Z", verdict: "PASS", fingerprints: [] })}\n`),
      ],
    ],
    // issue 18: the append failed after the writes.
    ["a history file in a directory that does not exist", (dir: string) => ["--history", join(dir, "no-such-dir", "h.jsonl")]],
    ["a history path that is a directory", (dir: string) => ["--history", dir]],
    ["--fail-on with an unknown value", () => ["--fail-on", "old"]],
    ["--max-response-ms that is not a positive integer", () => ["--max-response-ms", "-5"]],
  ])("exit 2 for %s, before any request", async (_name, args) => {
    const { handle, requests } = await provider();
    const dir = tempDir();
    const run = await runConformance(args(dir), { env: liveEnv(handle), cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(requests).toEqual([]);
  });
});

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("a failed restore is exit 3 whatever else fails", () => {
  it("exits 3, with the snapshot on stderr, when the report directory is gone by the time the reports are written", async () => {
    const work = tempDir();
    const reports = join(work, "reports");
    mkdirSync(reports);
    let sabotaged = false;
    // A server that never un-archives, while something replaces the report directory by a file mid-run.
    const handle = await startProvider({
      ...archiveIsForever,
      intercept: (request) => {
        if (request.method === "PATCH" && !sabotaged) {
          sabotaged = true;
          rmSync(reports, { recursive: true, force: true });
          writeFileSync(reports, "not a directory");
        }
        return false;
      },
    });
    providers.push(handle);
    const env = { ...liveEnv(handle), TENANT_API_ALLOW_MUTATIONS: "1" };
    const run = await runConformance(["--report-dir", reports, "--runs", "3"], { env, cwd: work });
    expect(sabotaged).toBe(true);
    expect(run.stderr).toContain("NOT RESTORED");
    expect(run.stderr).toContain("restore it with: npm run conformance -- --restore");
    expect(run.code).toBe(3);
  });
});
