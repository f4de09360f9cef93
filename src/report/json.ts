/** conformance.json: the whole RunResult plus counts, for machines (dashboards, trend tracking). */
import { countOutcomes, type RunResult } from "../conformance/runner.js";

export const REPORT_FORMAT_VERSION = 1;

export function renderJson(result: RunResult): string {
  const report = { formatVersion: REPORT_FORMAT_VERSION, summary: countOutcomes(result), ...result };
  return `${JSON.stringify(report, null, 2)}\n`;
}
