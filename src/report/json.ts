/** conformance.json: the whole RunResult plus counts, for machines (dashboards, trend tracking). */
import { countOutcomes, type RunResult } from "../conformance/runner.js";
import { ruleOutcomes } from "./rule-outcomes.js";

export const REPORT_FORMAT_VERSION = 1;

export function renderJson(result: RunResult): string {
  // `rules`: each rule of the register with its outcome; a finding's `code` is its rule id.
  const report = { formatVersion: REPORT_FORMAT_VERSION, summary: countOutcomes(result), ...result, rules: ruleOutcomes(result) };
  return `${JSON.stringify(report, null, 2)}\n`;
}
