/**
 * Issue 24: the verdict and the exit code of a run the infrastructure answered in. INCOMPLETE because of the
 * infrastructure is exit 2 (the run could not be made), even with --fail-on-skip; findings that fail the gate
 * still make it FAIL (exit 1).
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/conformance/runner.js";
import { finding } from "../../src/findings/finding.js";
import { gateExitCode } from "../../src/findings/gate.js";
import { triaged } from "../../src/findings/triage.js";

function runWith(options: { infrastructure?: boolean; failing?: boolean; skipped?: boolean; cleared?: boolean }): RunResult {
  const about = { operationId: "getOrganization", method: "GET", pathTemplate: "/api/v1/orgs/{org_id}", pointer: "" };
  const base = { title: "t", operationId: "getOrganization", phase: "read" as const, requests: 1, durationMs: 1 };
  return {
    target: { baseUrl: "https://api.example.com/tenant", embedded: false, writes: false },
    startedAt: "2026-12-07T00:00:00.000Z",
    durationMs: 1,
    checks: [
      { ...base, id: "a", outcome: "pass", findings: [] },
      ...(options.skipped
        ? [
            {
              ...base,
              id: "b",
              outcome: "skip" as const,
              reason: "not run: the gateway answered 503, not the API",
              findings: [],
              ...(options.infrastructure ? { byInfrastructure: true as const } : {}),
            },
          ]
        : []),
      ...(options.failing
        ? [
            {
              ...base,
              id: "c",
              outcome: "fail" as const,
              findings: [finding({ ...about, code: "c", expected: "status 401", actual: "status 200" })],
            },
          ]
        : []),
    ],
    coverage: [],
    latency: [],
    generated: { seed: 1, runs: 1 },
    ...(options.infrastructure || options.cleared
      ? {
          infrastructure: {
            counts: [{ source: "gateway" as const, status: 503, answers: 30, requests: 14, unresolved: options.cleared ? 0 : 14 }],
          },
        }
      : {}),
  };
}

describe("a run the infrastructure answered in", () => {
  it("is INCOMPLETE because of the infrastructure, exit 2, with or without --fail-on-skip", () => {
    for (const failOnSkip of [false, true]) {
      const run = triaged(runWith({ infrastructure: true, skipped: true }), { failOnSkip });
      expect(run.triage.verdict.outcome).toBe("INCOMPLETE");
      expect(run.triage.verdict.reasons).toContain(
        "incomplete because of the infrastructure, not the API (1 check not run): the gateway answered 503 to 14 requests (30 answers; 14 never cleared)",
      );
      expect(gateExitCode(run)).toBe(2);
    }
  });

  it("still FAILs (exit 1) on a finding that fails the gate", () => {
    const run = triaged(runWith({ infrastructure: true, skipped: true, failing: true }));
    expect(run.triage.verdict.outcome).toBe("FAIL");
    expect(gateExitCode(run)).toBe(1);
  });

  it("is a plain INCOMPLETE (exit 0) when only a persona was missing", () => {
    const run = triaged(runWith({ skipped: true }));
    expect(run.triage.verdict.byInfrastructure).toBeUndefined();
    expect(gateExitCode(run)).toBe(0);
  });

  it("is a PASS when the resends cleared every answer of the infrastructure (it cost time, no check was left not run)", () => {
    const run = triaged(runWith({ cleared: true }));
    expect(run.triage.verdict.outcome).toBe("PASS");
    expect(gateExitCode(run)).toBe(0);
  });
});
