/**
 * The provider contract for bi-directional contract testing: the spec, published with the latest
 * conformance run as its self-verification evidence. The run verifies the provider against the
 * spec when it had no findings and no errors; a report that is missing, broken or not a
 * conformance report is bad input (exit 2), never a silent "success".
 */
import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { isObject } from "../spec/assemble.js";

export const DEFAULT_REPORT = "reports/conformance.json";

export interface SelfVerification {
  success: boolean;
  /** One line for the console: what the verdict rests on. */
  summary: string;
}

export function selfVerification(reportPath: string): SelfVerification {
  const report = readJsonFile(reportPath, "conformance report", { unreadable: "CONFIG_MISSING", invalid: "CONFIG_INVALID" });
  const summary = isObject(report) && isObject(report.summary) ? report.summary : undefined;
  const count = (name: string) =>
    summary && Number.isInteger(summary[name]) && Number(summary[name]) >= 0 ? Number(summary[name]) : undefined;
  const findings = count("findings");
  const errors = count("error");
  const failed = count("fail");
  const checks = isObject(report) && Array.isArray(report.checks) ? report.checks.length : undefined;
  if (findings === undefined || errors === undefined || failed === undefined || checks === undefined) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${reportPath} is not a conformance report (needs summary.findings, summary.error, summary.fail and checks): run npm run conformance first`,
    );
  }
  // A run that checked nothing verified nothing.
  const success = findings === 0 && errors === 0 && failed === 0 && checks > 0;
  return { success, summary: `${checks} check(s), ${failed} failed, ${errors} error(s), ${findings} finding(s)` };
}
