import { describe, expect, it } from "vitest";
import type { CheckResult, RunResult } from "../../src/conformance/runner.js";
import { finding } from "../../src/findings/finding.js";
import { type TriagedRun, triaged } from "../../src/findings/triage.js";
import { renderHtml } from "../../src/report/html.js";
import { renderJson } from "../../src/report/json.js";
import { renderRegisterSection } from "../../src/report/register-section.js";
import { ruleOutcomes } from "../../src/report/rule-outcomes.js";
import { type Register, register } from "../../src/rules/register.js";
import { specValidators } from "../../src/validation/validators.js";

function check(id: string, outcome: CheckResult["outcome"], codes: string[] = []): CheckResult {
  const findings = codes.map((code) =>
    finding({
      code,
      operationId: "updateOrganization",
      method: "PATCH",
      pathTemplate: "/api/v1/orgs/{org_id}",
      pointer: "",
      expected: "x",
      actual: "y",
    }),
  );
  return { id, title: id, operationId: "updateOrganization", phase: "write", outcome, findings, requests: 1, durationMs: 1 };
}

/** An empty body accepted (and a schema problem in its response), the member persona missing. */
function run(): TriagedRun {
  const result: RunResult = {
    target: { baseUrl: "http://127.0.0.1:1/tenant", embedded: true, writes: true },
    startedAt: "2026-11-29T00:00:00.000Z",
    durationMs: 10,
    coverage: [],
    checks: [
      check("list-owner-200", "pass"),
      check("patch-empty-body", "fail", ["patch-empty-body", "response-schema"]),
      check("patch-member-403", "skip"),
      check("get-member-200", "skip"),
      check("patch-name-only-keeps-description", "error", ["check-error"]),
    ],
    latency: [],
    generated: { seed: 1, runs: 0 },
  };
  return triaged(result, { today: "2026-11-29" });
}

/** The committed register has no planned rule left: one is added here so its rendering stays proven. */
const withPlanned: Register = {
  sentences: register.sentences.map((s, index) => (index === 0 ? { ...s, rules: [...s.rules, "future-rule"] } : s)),
  rules: [
    ...register.rules,
    { id: "future-rule", kind: "behaviour", title: "A rule to come", planned: "needs an admin persona of tomorrow" },
  ],
};

describe("rule outcomes of a run", () => {
  const outcomes = new Map(ruleOutcomes(run(), withPlanned).map((rule) => [rule.id, rule]));

  it("fail a rule that a finding names, pass one whose checks ran clean, skip one whose checks did not run", () => {
    expect(outcomes.get("patch-empty-body")).toMatchObject({ outcome: "fail", findings: 1, checks: ["patch-empty-body"] });
    expect(outcomes.get("response-schema")).toMatchObject({ outcome: "fail", findings: 1 });
    expect(outcomes.get("list-owner-200")?.outcome).toBe("pass");
    expect(outcomes.get("get-member-200")?.outcome).toBe("skip");
    expect(outcomes.get("patch-description-only-keeps-name")?.outcome).toBe("skip");
    expect(outcomes.get("patch-name-only-keeps-description")?.outcome).toBe("error");
  });

  it("say planned or uncheckable for rules no check enforces", () => {
    expect(outcomes.get("future-rule")?.outcome).toBe("planned");
    expect(outcomes.get("server-error-500")?.outcome).toBe("uncheckable");
  });

  it("are in conformance.json, one per rule of the register", () => {
    const report = JSON.parse(renderJson(run())) as { rules: { id: string; outcome: string }[] };
    expect(report.rules.map((rule) => rule.id)).toEqual(register.rules.map((rule) => rule.id));
    expect(report.rules.find((rule) => rule.id === "patch-empty-body")?.outcome).toBe("fail");
  });
});

describe("the report's docs → rules → checks → outcome section", () => {
  const section = renderRegisterSection(run(), withPlanned);

  it("shows every sentence of the register with its rules, their checks and outcomes", () => {
    for (const sentence of register.sentences)
      expect(section).toContain(
        sentence.text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;"),
      );
    expect(section).toContain(`<td class="fail">fail (1 finding)</td>`);
    expect(section).toContain("planned: needs an admin persona");
    expect(section).toContain("cannot be checked from outside: a 500 cannot be caused");
  });

  it("is part of report.html", () => {
    expect(renderHtml(run(), specValidators().spec)).toContain("<h2>Docs → rules → checks → outcome</h2>");
  });
});
