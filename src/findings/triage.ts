/**
 * Triage: what the run's findings mean for the gate. Runs after the checks and before any reporter:
 * groups raw findings by fingerprint, marks each new, unchanged or known (against a baseline and the
 * known issues), lists the fixed ones and stale known issues, and reaches the verdict.
 */
import type { CheckResult, RunResult } from "../conformance/runner.js";
import type { Baseline, BaselineFinding } from "./baseline.js";
import { type GroupedFinding, groupFindings } from "./fingerprint.js";
import type { HistoryEntry } from "./history.js";
import { isExpired, type KnownIssue, todayUtc } from "./known-issues.js";
import { reachVerdict, type Verdict } from "./verdict.js";

export type FindingState = "new" | "unchanged" | "known";

export interface TriagedFinding extends GroupedFinding {
  /** new: not in the baseline (every finding, without one); unchanged: in it; known: accepted by a known issue. */
  state: FindingState;
  /** The known-issue entry that matches (active or expired). */
  knownIssue?: KnownIssue & { expired: boolean };
  /** Whether this finding fails the gate (given --fail-on and the known issues). */
  failsGate: boolean;
}

export type FailOn = "new" | "any";

export interface TriageOptions {
  baseline?: Baseline;
  knownIssues?: readonly KnownIssue[];
  /** `any` (default): every finding not accepted as known fails; `new`: only new ones do. */
  failOn?: FailOn;
  /** Skipped checks fail the gate (verdict INCOMPLETE, exit 1). */
  failOnSkip?: boolean;
  /** The run was stopped by a signal before it finished. */
  interrupted?: boolean;
  /** `YYYY-MM-DD` (UTC) that known-issue dates are compared with. */
  today?: string;
  /** A first night: why there is no baseline (gate.ts), said with the comparison. */
  noBaselineYet?: string;
}

export interface Triage {
  findings: TriagedFinding[];
  /** Baseline findings this run no longer shows although every check that showed them ran again. */
  fixed: BaselineFinding[];
  /** Baseline findings this run does not show because a check that showed them did not run (skipped, not selected, crashed, interrupted). */
  notRechecked: BaselineFinding[];
  /** Known-issue entries that match no finding of this run. */
  staleKnownIssues: KnownIssue[];
  counts: { new: number; unchanged: number; known: number; fixed: number; notRechecked: number; stale: number };
  baseline?: string;
  /** A first night: the --baseline file does not exist yet, and the history says none was made. */
  noBaselineYet?: string;
  failOn: FailOn;
  verdict: Verdict;
}

/** Rules that say the suite itself could not do its work; reported, but the verdict is INCOMPLETE, not FAIL. */
const TOOL_RULES = new Set(["check-error"]);

export function triage(result: RunResult, options: TriageOptions = {}): Triage {
  const failOn = options.failOn ?? "any";
  const today = options.today ?? todayUtc();
  const grouped = groupFindings(
    result.checks.flatMap((check: CheckResult) => check.findings.map((finding) => ({ finding, check: check.id }))),
  );
  const inBaseline = new Set(options.baseline?.findings.map((f) => f.fingerprint));
  const known = new Map((options.knownIssues ?? []).map((issue) => [issue.fingerprint, issue]));
  const findings = grouped.map((group): TriagedFinding => {
    const issue = known.get(group.fingerprint);
    const expired = issue !== undefined && isExpired(issue, today);
    const seenBefore = inBaseline.has(group.fingerprint);
    const state: FindingState = issue !== undefined && !expired ? "known" : seenBefore ? "unchanged" : "new";
    const counts = !TOOL_RULES.has(group.rule) && (expired || state === "new" || (state === "unchanged" && failOn === "any"));
    return { ...group, state, ...(issue ? { knownIssue: { ...issue, expired } } : {}), failsGate: counts };
  });
  const present = new Set(grouped.map((g) => g.fingerprint));
  const gone = (options.baseline?.findings ?? []).filter((f) => !present.has(f.fingerprint));
  const rechecked = recheckedBy(result);
  const fixed = gone.filter(rechecked);
  const notRechecked = gone.filter((f) => !rechecked(f));
  const staleKnownIssues = (options.knownIssues ?? []).filter((issue) => !present.has(issue.fingerprint));
  const count = (state: FindingState) => findings.filter((f) => f.state === state).length;
  return {
    findings,
    fixed,
    notRechecked,
    staleKnownIssues,
    counts: {
      new: count("new"),
      unchanged: count("unchanged"),
      known: count("known"),
      fixed: fixed.length,
      notRechecked: notRechecked.length,
      stale: staleKnownIssues.length,
    },
    ...(options.baseline ? { baseline: options.baseline.path } : {}),
    ...(options.noBaselineYet === undefined ? {} : { noBaselineYet: options.noBaselineYet }),
    failOn,
    verdict: reachVerdict(result, findings, { failOnSkip: options.failOnSkip ?? false, interrupted: options.interrupted ?? false }),
  };
}

/**
 * Whether this run looked again where a baseline finding was seen: only a check that ran to its end
 * (passed, or failed with other findings, not interrupted) and did not show it fixes it. A check that
 * was skipped, not selected, crashed or was interrupted proves nothing about it.
 */
function recheckedBy(result: RunResult): (f: BaselineFinding) => boolean {
  const ranToTheEnd = new Set(
    result.checks.filter((c) => c.outcome === "pass" || (c.outcome === "fail" && c.reason === undefined)).map((c) => c.id),
  );
  return (f) => {
    const checks = f.checks !== undefined && f.checks.length > 0 ? f.checks : [f.rule];
    return checks.every((id) => ranToTheEnd.has(id));
  };
}

/** "2 new, 1 fixed, 5 unchanged" (plus not rechecked, known and stale when there are any). */
export function describeComparison(t: Triage): string {
  const parts = [`${t.counts.new} new`, `${t.counts.fixed} fixed`, `${t.counts.unchanged} unchanged`];
  if (t.counts.notRechecked > 0) parts.push(`${t.counts.notRechecked} not rechecked (their checks did not run)`);
  if (t.counts.known > 0) parts.push(`${t.counts.known} known`);
  if (t.counts.stale > 0) parts.push(`${t.counts.stale} stale known issue${t.counts.stale === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** A run with its triage and the runs before it: what every reporter renders. */
export interface TriagedRun extends RunResult {
  triage: Triage;
  /** Earlier runs from --history (oldest first), the current one last; empty without --history. */
  history: HistoryEntry[];
}

export function triaged(result: RunResult, options: TriageOptions = {}, history: HistoryEntry[] = []): TriagedRun {
  return { ...result, triage: triage(result, options), history };
}
