/**
 * conformance.json: for machines (dashboards, trend tracking, the next run's --baseline). The
 * top-level `findings` has one entry per fingerprint (rule, operation, status, pointer, expected,
 * actual, occurrences, checks, state, reproduce); each check lists its own raw findings by
 * fingerprint, without the reproduction (that is on the grouped finding).
 */
import { countOutcomes, resultParts } from "../conformance/runner.js";
import { fingerprintOf } from "../findings/fingerprint.js";
import type { TriagedRun } from "../findings/triage.js";
import { replayCommand } from "./replay.js";
import { ruleOutcomes } from "./rule-outcomes.js";

export const REPORT_FORMAT_VERSION = 2;

/** The conformance.json document: what `--json` prints and what the programmatic API returns, parsed. */
export type ConformanceReport = ReturnType<typeof conformanceDocument>;

export function renderJson(run: TriagedRun): string {
  return `${JSON.stringify(conformanceDocument(run), null, 2)}\n`;
}

function conformanceDocument(run: TriagedRun) {
  const { triage, history: _history, checks, ...rest } = run;
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    verdict: triage.verdict,
    replay: replayCommand(run),
    // `results` names what the outcome counts add up to: the checks, the every-response rules and the restore.
    summary: { ...countOutcomes(run), results: resultParts(run), grouped: triage.findings.length, ...triage.counts },
    comparison: {
      baseline: triage.baseline ?? null,
      failOn: triage.failOn,
      ...(triage.noBaselineYet ? { noBaselineYet: triage.noBaselineYet } : {}),
    },
    findings: triage.findings,
    fixed: triage.fixed,
    // Carried by the next run that takes this report as its baseline: not seen, but not known to be fixed.
    notRechecked: triage.notRechecked,
    staleKnownIssues: triage.staleKnownIssues,
    ...rest,
    checks: checks.map((check) => ({
      ...check,
      findings: check.findings.map(({ reproduce: _reproduce, ...f }) => ({ fingerprint: fingerprintOf(f), ...f })),
    })),
    // Each rule of the register with its outcome; a finding's `code` is its rule id.
    rules: ruleOutcomes(run),
  };
}
