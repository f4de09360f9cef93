import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { GENERATED_CHECK_ID } from "../../src/conformance/generated/check.js";
import { renderFinding } from "../../src/findings/finding.js";
import { triage } from "../../src/findings/triage.js";
import { faults, legitimateVariants } from "../support/fault-gallery.js";
import { runAgainst } from "../support/run-against.js";

describe("the conformance suite against the reference provider", () => {
  it("passes every check with zero findings and skips nothing", async () => {
    const result = await runAgainst();
    const problems = result.checks
      .filter((c) => c.outcome !== "pass")
      .map((c) => `${c.id}: ${c.outcome} ${c.reason ?? ""} ${c.findings.map(renderFinding).join("; ")}`);
    expect(problems).toEqual([]);
    expect(result.restore?.verified).toBe(true);
  });

  it("exercises every documented status it can cause from outside", async () => {
    const result = await runAgainst();
    const unexercised = result.coverage.filter((cell) => cell.documented && cell.seen === 0).map((c) => `${c.operationId} ${c.status}`);
    // list 403 and every 500 cannot be caused by a request: the reference provider only produces them in process.
    expect(unexercised.sort()).toEqual([
      "getOrganization 500",
      "listUserOrganizations 403",
      "listUserOrganizations 500",
      "updateOrganization 500",
    ]);
  });
});

describe("the fault gallery: what holds across its faults", () => {
  it.each(faults.filter((f) => f.onlyGenerated).map((fault) => [fault.name, fault] as const))(
    "needs generated bodies to catch a provider where %s: the hand-written checks pass it",
    async (_name, fault) => {
      const handWritten = catalog.filter((check) => check.id !== GENERATED_CHECK_ID);
      const result = await runAgainst(fault.options, fault.timeoutMs, handWritten);
      expect(result.checks.flatMap((c) => c.findings.map(renderFinding))).toEqual([]);
    },
  );

  it("has at least one fault for every check in the catalog", () => {
    const caught = new Set(faults.flatMap((fault) => fault.expect));
    const uncovered = catalog.map((check) => check.id).filter((id) => !caught.has(id));
    expect(uncovered).toEqual([]);
  });
});

describe("one root cause, one finding, in the right place", () => {
  it("a status outside the enum in every organization is one finding per response shape, and the auth checks still pass", async () => {
    const fault = faults.find((f) => f.name === "organization status is outside the enum");
    const result = await runAgainst(fault?.options);
    const findings = triage(result).findings;
    expect(findings.map((f) => `${f.rule} ${f.operationId} ${f.status} ${f.pointer}`).sort()).toEqual([
      "response-schema getOrganization 200 /status",
      "response-schema listUserOrganizations 200 /data/*/status",
      "response-schema updateOrganization 200 /status",
    ]);
    expect(findings.every((f) => f.occurrences > 1 && f.checks.length > 1)).toBe(true);
    const auth = result.checks.filter((c) => c.id.startsWith("auth-"));
    expect(auth.length).toBeGreaterThan(0);
    expect(auth.filter((c) => c.outcome !== "pass").map((c) => c.id)).toEqual([]);
    expect(result.checks.filter((c) => c.outcome === "fail").map((c) => c.id)).toEqual(["response-schema"]);
  });
});

describe("legitimately different providers pass", () => {
  it.each(legitimateVariants.map((variant) => [variant.name, variant] as const))("passes a provider where %s", async (_name, variant) => {
    const result = await runAgainst(variant.options);
    const findings = result.checks.flatMap((c) => c.findings.map(renderFinding));
    expect(findings).toEqual([]);
  });
});
