/** The human summary on stdout: the target, the counts, one line per finding, skipped checks. */

import { countOutcomes, type RunResult } from "../conformance/runner.js";
import { renderFinding } from "../findings/finding.js";

export function renderSummary(result: RunResult, reportFiles: string[]): string {
  const counts = countOutcomes(result);
  const where = result.target.embedded ? "embedded reference provider" : "live target";
  const writes = result.target.writes ? "writes allowed" : `read-only: ${result.target.writesDenied}`;
  const lines = [
    `Tenant API conformance against ${result.target.baseUrl} (${where}; ${writes})`,
    ...result.checks.flatMap((check) => check.findings.map((f) => `FAIL ${renderFinding(f)}`)),
    ...result.checks.filter((c) => c.outcome === "skip").map((c) => `SKIP ${c.id}: ${c.reason}`),
    ...result.checks.flatMap((c) => (c.notes ?? []).map((note) => `NOTE ${c.id}: ${note}`)),
    ...(result.restore ? [`${result.restore.verified ? "RESTORED" : "NOT RESTORED"} ${result.restore.message}`] : []),
    `${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped, ${counts.error} errors; ${counts.findings} findings in ${(result.durationMs / 1000).toFixed(2)} s`,
  ];
  if (reportFiles.length > 0) lines.push(`Reports: ${reportFiles.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
