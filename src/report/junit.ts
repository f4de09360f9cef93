/**
 * JUnit XML for CI: first a `run` testsuite whose one testcase is the verdict (PASS passes, FAIL is a
 * failure, INCOMPLETE is skipped, or a failure with --fail-on-skip) with the run's properties; then
 * one testsuite per operation, one testcase per check; a failed check carries its findings in
 * <failure>, a skipped one its reason in <skipped> (never counted as passed).
 */

import { type CheckResult, countOutcomes, resultParts } from "../conformance/runner.js";
import { renderFinding } from "../findings/finding.js";
import type { TriagedRun } from "../findings/triage.js";
import { describeVerdict, verdictTitle } from "../findings/verdict.js";
import { replayCommand } from "./replay.js";
import { describeResults } from "./result-parts.js";

export function renderJunit(result: TriagedRun): string {
  const counts = countOutcomes(result);
  const byOperation = new Map<string, CheckResult[]>(); // Map.groupBy needs Node 21
  for (const check of result.checks) byOperation.set(check.operationId, [...(byOperation.get(check.operationId) ?? []), check]);
  const suites = [...byOperation].map(([operationId, checks]) => renderSuite(operationId, checks));
  const verdict = result.triage.verdict;
  const verdictFails = verdict.outcome === "FAIL" || verdict.failsOnSkip;
  const verdictSkipped = verdict.outcome === "INCOMPLETE" && !verdict.failsOnSkip;
  const total = result.checks.length + 1;
  const failures = counts.fail + (verdictFails ? 1 : 0);
  const skipped = counts.skip + (verdictSkipped ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tenant-api-conformance" tests="${total}" failures="${failures}" errors="${counts.error}" skipped="${skipped}" time="${seconds(result.durationMs)}">`,
    renderVerdictSuite(result),
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}

function renderVerdictSuite(run: TriagedRun): string {
  const verdict = run.triage.verdict;
  const text = describeVerdict(verdict);
  const properties = [
    ["verdict", verdict.outcome],
    ["target", run.target.baseUrl],
    ["deployed-api-tested", String(verdict.deployedApiTested)],
    ...(verdict.selection
      ? [["selection", `${verdict.selection.selected} of ${verdict.selection.total} checks: ${verdict.selection.args.join(" ")}`]]
      : []),
    // tests="N" counts every result and the verdict: said here, so it matches the summary's total.
    ["results", `${describeResults(resultParts(run))}; tests counts the verdict too`],
    ["seed", String(run.generated.seed)],
    ["replay", replayCommand(run)],
    ...run.latency.map((l) => [
      `latency.${l.operationId}`,
      `p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms, max ${l.maxMs} ms (${l.requests} responses)`,
    ]),
  ].map(([name, value]) => `      <property name="${xml(name ?? "")}" value="${xml(value ?? "")}"/>`);
  const fails = verdict.outcome === "FAIL" || verdict.failsOnSkip;
  const skipped = verdict.outcome === "INCOMPLETE" && !verdict.failsOnSkip;
  const open = `    <testcase classname="tenant-api.run" name="${xml(`verdict: ${verdictTitle(verdict)}`)}" time="${seconds(run.durationMs)}"`;
  const body = fails
    ? `${open}>
      <failure message="${xml(text)}" type="verdict">${xml(text)}</failure>
    </testcase>`
    : skipped
      ? `${open}>
      <skipped message="${xml(text)}"/>
    </testcase>`
      : `${open}/>`;
  return [
    `  <testsuite name="run" tests="1" failures="${fails ? 1 : 0}" errors="0" skipped="${skipped ? 1 : 0}" time="${seconds(run.durationMs)}">`,
    "    <properties>",
    ...properties.map((line) => line.slice(2)),
    "    </properties>",
    body,
    "  </testsuite>",
  ].join("\n");
}

function renderSuite(operationId: string, checks: CheckResult[]): string {
  const count = (outcome: CheckResult["outcome"]) => checks.filter((c) => c.outcome === outcome).length;
  const time = checks.reduce((sum, c) => sum + c.durationMs, 0);
  const head = `  <testsuite name="${xml(operationId)}" tests="${checks.length}" failures="${count("fail")}" errors="${count("error")}" skipped="${count("skip")}" time="${seconds(time)}">`;
  return [head, ...checks.map(renderCase), "  </testsuite>"].join("\n");
}

function renderCase(check: CheckResult): string {
  const open = `    <testcase classname="tenant-api.${xml(check.operationId)}" name="${xml(`${check.id}: ${check.title}`)}" time="${seconds(check.durationMs)}"`;
  if (check.outcome === "pass") return `${open}/>`;
  if (check.outcome === "skip") return `${open}>\n      <skipped message="${xml(check.reason ?? "")}"/>\n    </testcase>`;
  const tag = check.outcome === "error" ? "error" : "failure";
  const text = check.findings.map(renderFinding).join("\n");
  const first = check.findings[0];
  const message = first ? renderFinding(first) : (check.reason ?? check.outcome);
  return `${open}>\n      <${tag} message="${xml(message)}" type="${xml(first?.code ?? check.outcome)}">${xml(text)}</${tag}>\n    </testcase>`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Escapes for XML text and attributes, and drops characters XML 1.0 cannot carry at all. */
export function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}
