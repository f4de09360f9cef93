import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { Coverage } from "../../src/conformance/coverage.js";
import type { CheckResult, RunResult } from "../../src/conformance/runner.js";
import { finding } from "../../src/findings/finding.js";
import type { HistoryEntry } from "../../src/findings/history.js";
import { reproduction } from "../../src/findings/reproduce.js";
import { type TriagedRun, type TriageOptions, triaged } from "../../src/findings/triage.js";
import { Redactor } from "../../src/redaction.js";
import { renderSummary } from "../../src/report/console.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJson } from "../../src/report/json.js";
import { renderJunit } from "../../src/report/junit.js";
import { writeReports } from "../../src/report/write.js";
import { specValidators } from "../../src/validation/validators.js";

const spec = specValidators().spec;

function sampleRun(options: TriageOptions = {}, history: HistoryEntry[] = []): TriagedRun {
  return triaged(sampleResult(), { today: "2026-11-29", ...options }, history);
}

function check(id: string, outcome: CheckResult["outcome"]): CheckResult {
  return { id, title: id, operationId: "every-response", phase: "read", outcome, findings: [], requests: 0, durationMs: 0 };
}

function sampleResult(): RunResult {
  const coverage = new Coverage(spec);
  coverage.record("updateOrganization", 422, false);
  coverage.record("getOrganization", 200, true);
  const broken = finding({
    code: "patch-empty-body",
    operationId: "updateOrganization",
    method: "PATCH",
    pathTemplate: "/api/v1/orgs/{org_id}",
    status: 422,
    pointer: "",
    expected: "status 400",
    actual: "status 422",
    check: "patch-empty-body",
    reproduce: reproduction(
      { method: "PATCH", path: "/api/v1/orgs/o-1", authorization: "Bearer secret-owner-token-123", body: "{}" },
      {
        method: "PATCH",
        url: "https://api.example.com/tenant/api/v1/orgs/o-1",
        status: 422,
        headers: { "content-type": "application/json" },
        bodyText: '{"code":"invalid","message":"<b>no</b>"}',
        attempts: 1,
        durationMs: 3,
      },
      [{ value: "secret-owner-token-123", variable: "TENANT_API_TOKEN" }],
    ),
  });
  return {
    target: { baseUrl: "https://api.example.com/tenant", embedded: false, writes: true },
    startedAt: "2026-11-29T00:00:00.000Z",
    durationMs: 1234,
    coverage: coverage.all(),
    latency: [{ operationId: "getOrganization", requests: 2, p50Ms: 3, p95Ms: 9, maxMs: 9 }],
    generated: { seed: 42, runs: 100 },
    checks: [
      {
        id: "get-own-200-equals-list-entry",
        title: "Getting <own> org",
        operationId: "getOrganization",
        phase: "read",
        outcome: "pass",
        findings: [],
        requests: 2,
        durationMs: 5,
      },
      {
        id: "patch-empty-body",
        title: "Empty body is 400",
        operationId: "updateOrganization",
        phase: "write",
        outcome: "fail",
        findings: [broken],
        requests: 3,
        durationMs: 7,
      },
      {
        id: "patch-member-403",
        title: "Member is 403",
        operationId: "updateOrganization",
        phase: "write",
        outcome: "skip",
        reason: "no member persona",
        findings: [],
        requests: 0,
        durationMs: 0,
      },
    ],
  };
}

describe("the reports of one run", () => {
  it("JUnit opens with the verdict, has one testcase per check, a failure with the finding, and a skip that is not a pass", () => {
    const junit = renderJunit(sampleRun());
    expect(junit.match(/<testcase /g)).toHaveLength(4);
    expect(junit).toContain('tests="4" failures="2" errors="0" skipped="1"');
    expect(junit).toContain('<property name="verdict" value="FAIL"/>');
    expect(junit).toContain('<property name="latency.getOrganization" value="p50 3 ms, p95 9 ms, max 9 ms (2 responses)"/>');
    expect(junit).toMatch(
      /<testcase classname="tenant-api.run" name="verdict: FAIL"[^>]*>\s*<failure message="FAIL \(1 finding fails the gate; 1 check skipped\)"/,
    );
    expect(junit).toContain(
      '<failure message="updateOrganization 422 /: expected status 400, got status 422 [patch-empty-body]" type="patch-empty-body">',
    );
    expect(junit).toContain('<skipped message="no member persona"/>');
    expect(junit).toContain("Getting &lt;own&gt; org");
  });

  it("JSON carries the verdict, the grouped findings with state and reproduction, every check and the counts", () => {
    const report = JSON.parse(renderJson(sampleRun()));
    expect(report.summary).toMatchObject({ pass: 1, fail: 1, skip: 1, error: 0, findings: 1, grouped: 1, new: 1, fixed: 0 });
    expect(report.verdict.outcome).toBe("FAIL");
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      rule: "patch-empty-body",
      operationId: "updateOrganization",
      status: 422,
      pointer: "",
      expected: "status 400",
      actual: "status 422",
      occurrences: 1,
      checks: ["patch-empty-body"],
      state: "new",
    });
    expect(report.findings[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(report.findings[0].reproduce.curl).toContain('"$TENANT_API_TOKEN"');
    expect(report.checks[1].findings[0]).toMatchObject({ fingerprint: report.findings[0].fingerprint, actual: "status 422" });
    expect(report.checks[1].findings[0].reproduce).toBeUndefined();
  });

  it("the summary names each finding with its state, and ends with the comparison, the verdict and the replay", () => {
    const text = renderSummary(sampleRun(), []);
    expect(text).toContain("NEW updateOrganization 422 /: expected status 400, got status 422 [patch-empty-body] in patch-empty-body");
    expect(text).toContain("SKIP patch-member-403: no member persona");
    expect(text).toContain("1 passed, 1 failed, 1 skipped, 0 errors; 1 findings (1 occurrences)");
    expect(text).toContain("Findings: 1 new, 0 fixed, 0 unchanged");
    expect(text).toContain("Verdict: FAIL (1 finding fails the gate; 1 check skipped)");
    expect(text).toContain("Replay: npm run conformance -- --seed 42 --runs 100");
    expect(text).toContain("Latency p50/p95/max: getOrganization 3/9/9 ms (2)");
  });
});

describe("the HTML report, read through a DOM", () => {
  const dom = (run: TriagedRun) => parseHTML(renderHtml(run, spec)).document;

  it("opens with the verdict, the seed and the replay command", () => {
    const document = dom(sampleRun());
    const first = document.querySelector("h1")?.nextElementSibling;
    expect(first?.id).toBe("verdict");
    expect(first?.getAttribute("data-verdict")).toBe("FAIL");
    expect(document.querySelector("#verdict .seed")?.textContent).toBe("42");
    expect(document.querySelector("#verdict .replay")?.textContent).toBe("npm run conformance -- --seed 42 --runs 100");
    expect(document.querySelector(".no-deployed-api")).toBeNull();
  });

  it("says plainly that no deployed API was tested when the target was the embedded provider", () => {
    const result = sampleResult();
    const run = triaged({ ...result, target: { ...result.target, embedded: true } });
    expect(dom(run).querySelector("#verdict .no-deployed-api")?.textContent).toContain("no deployed API was tested");
  });

  it("marks each finding new, unchanged or known, with its reproduction folded under it", () => {
    const document = dom(sampleRun());
    const rows = [...document.querySelectorAll("table.findings tr.finding")];
    expect(rows.map((row) => row.getAttribute("data-state"))).toEqual(["new"]);
    const details = document.querySelector("tr.reproduce details.reproduction");
    expect(details?.hasAttribute("open")).toBe(false);
    expect(details?.querySelector("summary")?.textContent).toBe("Reproduce");
    expect(details?.querySelector(".request")?.textContent).toContain("PATCH https://api.example.com/tenant/api/v1/orgs/o-1");
    expect(details?.querySelector(".request")?.textContent).toContain("authorization: Bearer $TENANT_API_TOKEN");
    expect(details?.querySelector(".response")?.textContent).toContain('{"code":"invalid","message":"<b>no</b>"}');
    expect(details?.querySelector(".curl")?.textContent).toContain(`-H 'authorization: Bearer '"$TENANT_API_TOKEN"`);
    expect(document.body.textContent).not.toContain("secret-owner-token-123");

    const fingerprint = rows[0]?.getAttribute("data-fingerprint") ?? "";
    const known = dom(sampleRun({ knownIssues: [{ fingerprint, reason: "API-12", until: "2026-12-31" }] }));
    expect(known.querySelector("tr.finding")?.getAttribute("data-state")).toBe("known");
    expect(known.querySelector("#verdict")?.getAttribute("data-verdict")).toBe("INCOMPLETE");
    const unchanged = dom(
      sampleRun({ baseline: { path: "prev.json", findings: [{ fingerprint, rule: "x", operationId: "y", pointer: "", expected: "" }] } }),
    );
    expect(unchanged.querySelector("tr.finding")?.getAttribute("data-state")).toBe("unchanged");
  });

  it("shows this run's latency table and draws the history as inline SVG without external resources", () => {
    const entry = (time: string, p95Ms: number): HistoryEntry => ({
      time,
      target: { baseUrl: "https://api.example.com/tenant", embedded: false },
      verdict: "PASS",
      counts: { pass: 40, fail: 0, skip: 2, error: 0, findings: 0, new: 0, unchanged: 0, known: 0, fixed: 0 },
      fingerprints: [],
      latency: { getOrganization: { p50Ms: 3, p95Ms } },
    });
    const document = dom(sampleRun({}, [entry("2026-11-27T00:00:00Z", 8), entry("2026-11-28T00:00:00Z", 12)]));
    const latencyRow = document.querySelector('table.latency tr[data-operation="getOrganization"]');
    expect([...(latencyRow?.querySelectorAll("td") ?? [])].map((td) => td.textContent)).toEqual(["getOrganization", "2", "3", "9", "9"]);
    expect(document.querySelectorAll("svg.trend-outcomes g.run")).toHaveLength(2);
    expect(
      document.querySelector('svg.trend-latency polyline[data-operation="getOrganization"]')?.getAttribute("points")?.split(" "),
    ).toHaveLength(2);
    const external = [...document.querySelectorAll("script, link, img, iframe, [src], [href]")];
    expect(external).toEqual([]);
  });

  // issue 26: the trend drew check outcomes only, so a PASS night with 17 accepted findings looked like a FAIL night.
  it("draws each night's verdict apart from its check outcomes, an outage with its cause", () => {
    const night = (time: string, verdict: HistoryEntry["verdict"], fail: number, known: number): HistoryEntry => ({
      time,
      target: { baseUrl: "https://api.example.com/tenant", embedded: false },
      verdict,
      counts: { pass: 86, fail, skip: 0, error: 0, findings: known, new: 0, unchanged: 0, known, fixed: 0 },
      fingerprints: [],
      latency: {},
    });
    const history = [
      night("2026-11-26T03:17:00Z", "FAIL", 7, 0),
      night("2026-11-27T03:17:00Z", "PASS", 7, 17),
      { ...night("2026-11-28T03:17:00Z", "OUTAGE", 0, 0), outage: { cause: "TARGET_UNREACHABLE: connection refused" } },
    ];
    const document = dom(sampleRun({}, history));
    const marks = [...document.querySelectorAll("svg.trend-outcomes rect.verdict-mark")].map((mark) => mark.getAttribute("data-verdict"));
    expect(marks).toEqual(["FAIL", "PASS", "OUTAGE"]);
    const [failMark, passMark] = [...document.querySelectorAll("svg.trend-outcomes rect.verdict-mark")];
    expect(passMark?.getAttribute("fill")).not.toBe(failMark?.getAttribute("fill"));
    const rows = [...document.querySelectorAll("table.runs tr.run")].map((row) =>
      [...row.querySelectorAll("td")].map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ["2026-11-28T03:17:00Z", "OUTAGE", "TARGET_UNREACHABLE: connection refused"],
      ["2026-11-27T03:17:00Z", "PASS", "17 (0 new, 17 known)"],
      ["2026-11-26T03:17:00Z", "FAIL", "0 (0 new, 0 known)"],
    ]);
  });

  // issue 26: ids broke mid-word, and one root cause gave 17 rows not grouped by their cause.
  it("folds the findings of one root cause under one line with their count, and never breaks an id", () => {
    const missingCode = (operationId: string, status: number) =>
      finding({
        code: "response-schema",
        operationId,
        method: "GET",
        pathTemplate: "/api/v1/orgs",
        status,
        pointer: "/code",
        schemaPath: "#/components/schemas/ErrorResponse/required",
        expected: 'property "code"',
        actual: "no such property",
        check: "auth-listUserOrganizations-no-token-401",
      });
    const result = sampleResult();
    const rules = {
      ...check("response-schema", "fail"),
      findings: [missingCode("listUserOrganizations", 401), missingCode("getOrganization", 401), missingCode("getOrganization", 404)],
    };
    const document = dom(triaged({ ...result, checks: [...result.checks, rules] }, { today: "2026-11-29" }));
    const causes = [...document.querySelectorAll("details.cause")];
    expect(causes.map((cause) => [cause.getAttribute("data-rule"), cause.getAttribute("data-findings")])).toEqual([
      ["patch-empty-body", "1"],
      ["response-schema", "3"],
    ]);
    expect(causes[1]?.querySelector("summary")?.textContent).toContain("3 findings, 3 occurrences");
    expect(causes[1]?.querySelectorAll("tr.finding")).toHaveLength(3);
    const style = document.querySelector("style")?.textContent ?? "";
    expect(style).not.toContain("break-all");
    expect(style).toContain(".id{white-space:nowrap}");
    for (const id of document.querySelectorAll("tr.finding td:nth-child(2) > code:first-child, tr.finding td:last-child code")) {
      expect(id.getAttribute("class"), id.textContent ?? "").toContain("id");
    }
    // A schema path may wrap after a slash only.
    expect(causes[1]?.querySelector("summary code.path")?.innerHTML).toBe(
      "#/<wbr>components/<wbr>schemas/<wbr>ErrorResponse/<wbr>required",
    );
  });

  it("keeps the coverage matrix with undocumented statuses called out", () => {
    const document = dom(sampleRun());
    const headings = [...document.querySelectorAll("h2")].map((h) => h.textContent);
    expect(headings.indexOf("Findings")).toBeLessThan(headings.findIndex((h) => h?.startsWith("Coverage")));
    expect(document.body.textContent).toContain("Undocumented statuses received: updateOrganization 422 (1×)");
    expect(document.body.textContent).toContain("1× (1 valid)");
  });
});

describe("the report files", () => {
  it("never follow a symbolic link planted at a report's path: the link is replaced, its target untouched", () => {
    const dir = mkdtempSync(join(tmpdir(), "reports-link-"));
    try {
      const victim = join(dir, "victim.txt");
      writeFileSync(victim, "keep me\n");
      for (const name of ["junit.xml", "conformance.json", "report.html"]) symlinkSync(victim, join(dir, name));
      const files = writeReports(dir, sampleRun(), spec, new Redactor([]));
      expect(readFileSync(victim, "utf8")).toBe("keep me\n");
      for (const file of files) {
        expect(lstatSync(file).isSymbolicLink()).toBe(false);
        expect(readFileSync(file, "utf8")).toContain("patch-empty-body");
      }
      // Nothing but the reports and the victim is left behind (no temporary file).
      expect(readdirSync(dir).sort()).toEqual(["conformance.json", "junit.xml", "report.html", "victim.txt"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a report that cannot be put in place is one ToolError naming it, with no temporary file left", () => {
    const dir = mkdtempSync(join(tmpdir(), "reports-dir-"));
    try {
      mkdirSync(join(dir, "junit.xml", "inside"), { recursive: true });
      expect(() => writeReports(dir, sampleRun(), spec, new Redactor([]))).toThrow(/cannot write the report .*junit\.xml/);
      expect(readdirSync(dir)).toEqual(["junit.xml"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
