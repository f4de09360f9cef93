import { describe, expect, it } from "vitest";
import { Coverage } from "../../src/conformance/coverage.js";
import type { RunResult } from "../../src/conformance/runner.js";
import { finding } from "../../src/findings/finding.js";
import { renderSummary } from "../../src/report/console.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJson } from "../../src/report/json.js";
import { renderJunit } from "../../src/report/junit.js";
import { specValidators } from "../../src/validation/validators.js";

const spec = specValidators().spec;

function sampleRun(): RunResult {
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
  });
  return {
    target: { baseUrl: "https://api.example.com/tenant", embedded: false, writes: true },
    startedAt: "2026-11-29T00:00:00.000Z",
    durationMs: 1234,
    coverage: coverage.all(),
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
  it("JUnit has one testcase per check, a failure with the finding, and a skip that is not a pass", () => {
    const junit = renderJunit(sampleRun());
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(junit).toContain(
      '<failure message="updateOrganization 422 /: expected status 400, got status 422 [patch-empty-body]" type="patch-empty-body">',
    );
    expect(junit).toContain('<skipped message="no member persona"/>');
    expect(junit).toContain("Getting &lt;own&gt; org");
  });

  it("JSON carries every check with its outcome and findings, and the counts", () => {
    const report = JSON.parse(renderJson(sampleRun()));
    expect(report.summary).toEqual({ pass: 1, fail: 1, skip: 1, error: 0, findings: 1 });
    expect(report.checks[1].findings[0]).toMatchObject({
      operationId: "updateOrganization",
      status: 422,
      pointer: "",
      expected: "status 400",
      actual: "status 422",
    });
  });

  it("HTML shows findings first, then the coverage matrix with undocumented statuses called out", () => {
    const html = renderHtml(sampleRun(), spec);
    expect(html.indexOf("<h2>Findings</h2>")).toBeLessThan(html.indexOf("<h2>Coverage"));
    expect(html).toContain("Undocumented statuses received: updateOrganization 422 (1×)");
    expect(html).toContain("1× (1 valid)");
    expect(html).not.toMatch(/<script|https?:\/\/(?!api\.example\.com)/);
  });

  it("the summary names the operation, status, pointer, expected and actual of each finding", () => {
    const text = renderSummary(sampleRun(), []);
    expect(text).toContain("FAIL updateOrganization 422 /: expected status 400, got status 422 [patch-empty-body]");
    expect(text).toContain("SKIP patch-member-403: no member persona");
    expect(text).toContain("1 passed, 1 failed, 1 skipped, 0 errors; 1 findings");
  });
});
