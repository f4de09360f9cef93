/**
 * Reading the core verifier's JSON report: counts per consumer from its printed headings, failures
 * and pending failures from its error lists, state set-up failures as "not verified", and a report
 * that belongs to no pact (nothing could be loaded) as a tool error.
 */
import { describe, expect, it } from "vitest";
import { describeTallies, readCoreReport } from "../../../src/contracts/verification-report.js";

const heading = (consumer: string) => `\nVerifying a pact between \u001b[1m${consumer}\u001b[0m and \u001b[1mtenant-api\u001b[0m`;
const interaction = (description: string) => `  ${description} (2ms loading, 31ms verification)`;
const error = (consumer: string, description: string, mismatch: unknown) => ({
  interaction: `Verifying a pact between ${consumer} and tenant-api Given the caller is authenticated - ${description}`,
  mismatch,
});

describe("the core verifier's report", () => {
  it("counts verified, failed, not verified and pending failures per consumer", () => {
    const report = readCoreReport(
      JSON.stringify({
        result: false,
        output: [
          heading("console"),
          "",
          interaction("a"),
          "     Given x",
          interaction("b (v2)"),
          interaction("c"),
          heading("mobile"),
          interaction("a"),
        ],
        errors: [
          error("console", "b (v2)", {
            type: "mismatches",
            mismatches: [{ mismatch: "expected 200 but was 500" }, { mismatch: "body differs" }],
          }),
          error("console", "c", { type: "error", message: "One or more of the setup state change handlers has failed" }),
        ],
        pendingErrors: [error("mobile", "a", { type: "mismatches", mismatches: [{ mismatch: "expected 418 but was 404" }] })],
      }),
    );
    expect(report.consumers).toEqual([
      { consumer: "console", verified: 1, failed: 1, unverified: 1, pending: 0 },
      { consumer: "mobile", verified: 0, failed: 0, unverified: 0, pending: 1 },
    ]);
    expect(report.problems.map((p) => [p.consumer, p.kind, p.pending, p.message])).toEqual([
      ["console", "failed", false, "expected 200 but was 500; body differs"],
      ["console", "unverified", false, "One or more of the setup state change handlers has failed"],
      ["mobile", "failed", true, "expected 418 but was 404"],
    ]);
    expect(describeTallies(report.consumers)).toBe(
      "console: 1 verified, 1 failed, 1 not verified (no provider state set-up); mobile: 0 verified, 1 failed in pending pacts",
    );
  });

  it("a failure that belongs to no pact means nothing was verified: a tool error", () => {
    const text = JSON.stringify({
      errors: [{ interaction: "Failed to load pact", mismatch: { type: "error", message: "401 Unauthorized" } }],
      output: [],
    });
    expect(() => readCoreReport(text)).toThrow(
      expect.objectContaining({ code: "VERIFIER_FAILED", message: "Failed to load pact: 401 Unauthorized" }),
    );
  });

  it("anything but the JSON report (the verifier could not start) is a tool error", () => {
    expect(() => readCoreReport("Verification was unable to run")).toThrow(expect.objectContaining({ code: "VERIFIER_FAILED" }));
  });
});
