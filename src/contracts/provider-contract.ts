/**
 * The provider contract for bi-directional contract testing: the spec, published with the latest
 * conformance run as its self-verification evidence. Only a run that tested the deployed API (not the
 * embedded reference provider), with writes allowed, every check of the catalog selected, and the verdict
 * PASS with no finding outside the known issues, is evidence that the provider meets the spec; any other
 * report is refused (exit 2) with why, and nothing is published. A report that is missing, broken or not
 * a conformance report is bad input (exit 2) too, never a silent "success".
 */
import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { asTyped } from "../launch.js";
import { isObject } from "../spec/assemble.js";

export const DEFAULT_REPORT = "reports/conformance.json";

export interface SelfVerification {
  success: true;
  /** One line for the console: what the verdict rests on. */
  summary: string;
}

const RERUN = asTyped(
  "run npm run conformance against the deployed API (TENANT_API_BASE_URL, TENANT_API_ALLOW_MUTATIONS=1, no --checks) first",
);

export function selfVerification(reportPath: string): SelfVerification {
  const report = readJsonFile(reportPath, "conformance report", { unreadable: "CONFIG_MISSING", invalid: "CONFIG_INVALID" });
  const summary = isObject(report) && isObject(report.summary) ? report.summary : undefined;
  const count = (name: string) =>
    summary && Number.isInteger(summary[name]) && Number(summary[name]) >= 0 ? Number(summary[name]) : undefined;
  const [findings, errors, failed] = [count("findings"), count("error"), count("fail")];
  const checks = isObject(report) && Array.isArray(report.checks) ? report.checks.length : undefined;
  if (findings === undefined || errors === undefined || failed === undefined || checks === undefined || !isObject(report)) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${reportPath} is not a conformance report (needs summary.findings, summary.error, summary.fail and checks): ${asTyped("run npm run conformance first")}`,
    );
  }
  const refusal = whyNotEvidence(report, checks);
  if (refusal !== undefined) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${reportPath} ${refusal}, so it cannot be published as the provider's self-verification: ${RERUN}`,
    );
  }
  return { success: true, summary: `${checks} check(s), ${failed} failed, ${errors} error(s), ${findings} finding(s)` };
}

/** Why the report does not show that the deployed API meets the spec, or undefined when it does. */
function whyNotEvidence(report: Record<string, unknown>, checks: number): string | undefined {
  const verdict = isObject(report.verdict) ? report.verdict : undefined;
  const target = isObject(report.target) ? report.target : undefined;
  if (verdict === undefined || typeof verdict.outcome !== "string" || target === undefined) return "has no verdict or target";
  if (verdict.deployedApiTested !== true || target.embedded !== false) {
    return "is a run of the embedded reference provider: no deployed API was tested";
  }
  if (target.writes !== true)
    return `is a read-only run (${String(target.writesDenied ?? "writes denied")}): the PATCH rules were not tested`;
  if (verdict.selection !== undefined || report.selection !== undefined)
    return "is a run of selected checks only (--checks/--exclude-checks)";
  const reasons = Array.isArray(verdict.reasons) && verdict.reasons.length > 0 ? ` (${verdict.reasons.join("; ")})` : "";
  if (verdict.outcome !== "PASS") return `has the verdict ${verdict.outcome}${reasons}`;
  const findings = Array.isArray(report.findings) ? report.findings : [];
  if (findings.some((f) => !isObject(f) || f.state !== "known")) return `has findings that are not accepted as known issues${reasons}`;
  if (checks === 0) return "ran no check";
  return undefined;
}
