/**
 * The human summary on stdout: the target, one line per finding (grouped by fingerprint, marked
 * new, unchanged or known), fixed findings and stale known issues, skipped checks, the latency per
 * operation, the counts, the comparison ("2 new, 1 fixed, 5 unchanged"), the verdict and the replay.
 */

import { countOutcomes, type RunResult, resultParts } from "../conformance/runner.js";
import type { GroupedFinding } from "../findings/fingerprint.js";
import { describeComparison, type TriagedFinding, type TriagedRun } from "../findings/triage.js";
import { describeVerdict } from "../findings/verdict.js";
import { describeInfrastructure } from "../http/infrastructure-report.js";
import { replayCommand } from "./replay.js";
import { describeResults } from "./result-parts.js";
import { terminalLine } from "./terminal-text.js";

export function renderSummary(run: TriagedRun, reportFiles: string[]): string {
  const counts = countOutcomes(run);
  const { triage } = run;
  const where = run.target.embedded ? "embedded reference provider" : "live target";
  const writes = run.target.writes ? "writes allowed" : `read-only: ${run.target.writesDenied}`;
  const occurrences = triage.findings.reduce((sum, f) => sum + f.occurrences, 0);
  const lines = [
    `Tenant API conformance against ${run.target.baseUrl} (${where}; ${writes})`,
    ...triage.findings.map(renderTriaged),
    ...triage.fixed.map(
      (f) => `FIXED ${f.operationId} ${f.status ?? "no response"} ${f.pointer || "/"}: ${f.expected} [${f.rule}] ${f.fingerprint}`,
    ),
    ...triage.notRechecked.map(
      (f) =>
        `NOT RECHECKED ${f.operationId} ${f.status ?? "no response"} ${f.pointer || "/"}: ${f.expected} [${f.rule}] ${f.fingerprint} (not fixed: ${(f.checks ?? [f.rule]).join(", ")} did not run to the end)`,
    ),
    ...triage.staleKnownIssues.map(
      (issue) => `STALE known issue ${issue.fingerprint} matches no finding (${issue.reason}; until ${issue.until})`,
    ),
    ...run.checks.filter((c) => c.outcome === "skip").map((c) => `SKIP ${c.id}: ${c.reason}`),
    ...run.checks.flatMap((c) => (c.notes ?? []).map((note) => `NOTE ${c.id}: ${note}`)),
    ...(run.restore ? [`${run.restore.verified ? "RESTORED" : "NOT RESTORED"} ${run.restore.message}`] : []),
    ...(run.restore && !run.restore.verified ? notRestoredLines(run.restore) : []),
    ...(run.interrupted ? [`INTERRUPTED by ${run.interrupted}: checks it did not reach are skipped`] : []),
    ...(run.rateLimit ? [rateLimitLine(run.rateLimit)] : []),
    ...(run.infrastructure ? [infrastructureLine(run)] : []),
    ...(run.latency.length > 0
      ? [
          `Latency p50/p95/max: ${run.latency.map((l) => `${l.operationId} ${l.p50Ms}/${l.p95Ms}/${l.maxMs} ms (${l.requests})`).join(", ")}`,
        ]
      : []),
    `${describeResults(resultParts(run))}: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped, ${counts.error} errors; ${triage.findings.length} findings (${occurrences} occurrences) in ${(run.durationMs / 1000).toFixed(2)} s`,
    `Findings: ${describeComparison(triage)}${comparedWith(triage)}`,
    `Verdict: ${describeVerdict(triage.verdict)}`,
    `Replay: ${replayCommand(run)}`,
  ];
  if (reportFiles.length > 0) lines.push(`Reports: ${reportFiles.join(", ")}`);
  // Each line is made inert on its own: a line break inside server text is escaped, not obeyed.
  return `${lines.map(terminalLine).join("\n")}\n`;
}

/** ` (baseline previous/conformance.json)`, or on a first night why there is none. */
function comparedWith(triage: TriagedRun["triage"]): string {
  if (triage.baseline) return ` (baseline ${triage.baseline})`;
  return triage.noBaselineYet ? ` (${triage.noBaselineYet})` : "";
}

/**
 * What the infrastructure answered in place of the API (resent answers included), and how many checks it left
 * not run: `INFRASTRUCTURE answered in place of the API: the gateway answered 503 to 14 requests (…)`.
 */
function infrastructureLine(run: RunResult): string {
  const notRun = run.checks.filter((check) => check.byInfrastructure).length;
  const checks = notRun === 0 ? "" : `; ${notRun} check${notRun === 1 ? "" : "s"} it answered not run`;
  return `INFRASTRUCTURE answered in place of the API: ${describeInfrastructure(run.infrastructure ?? { counts: [] })}${checks}`;
}

/** The gateway's limit met (429s, or a gateway's 503s shedding load): what the pacer kept to. */
function rateLimitLine(limit: NonNullable<RunResult["rateLimit"]>): string {
  const outcome =
    limit.unresolved === 0
      ? "every request was resent and answered"
      : `${limit.unresolved} still ${limit.responses429 > 0 ? "answered 429" : "refused (503)"} after their retries`;
  const refused = limit.responses429 > 0 ? `the gateway answered 429 ${limit.responses429}×` : "the gateway shed load (503)";
  const pace = limit.ratePerSecond === undefined ? "" : `; paced at ${limit.ratePerSecond} requests/s at the end`;
  return `RATE LIMIT met: ${refused} (first with ${limit.inFlightAtFirst} requests in flight); the rest of the run kept to ${limit.concurrency} in flight; ${outcome}${pace}`;
}

function notRestoredLines(restore: NonNullable<RunResult["restore"]>): string[] {
  const lines = [`  the organization before the writes: ${JSON.stringify(restore.snapshot)}`];
  if (restore.command) lines.push(`  restore it with: ${restore.command}`);
  return lines;
}

/** `NEW getOrganization 200 /data/*\/status: expected …, got … [response-schema] 41× in 31 checks (fp 1a2b…)` */
function renderTriaged(f: TriagedFinding): string {
  const issue = f.knownIssue;
  const known = issue ? ` known issue${issue.expired ? " EXPIRED" : ""} until ${issue.until}: ${issue.reason}` : "";
  return `${f.state.toUpperCase()} ${renderGrouped(f)} ${f.fingerprint}${known}`;
}

export function renderGrouped(f: GroupedFinding): string {
  const status = f.status === undefined ? "no response" : String(f.status);
  const where =
    f.occurrences === 1 ? `in ${f.checks[0]}` : `${f.occurrences}× in ${f.checks.length} check${f.checks.length === 1 ? "" : "s"}`;
  return `${f.operationId} ${status} ${f.pointer || "/"}: expected ${f.expected}, got ${f.actual} [${f.rule}] ${where}`;
}
