/**
 * The gate's inputs and decision around a run: the baseline, known issues and history are read
 * before the first request (a bad file is exit 2 with no request sent); after the run the findings
 * are triaged, the run is appended to the history, and the verdict gives the exit code.
 */
import type { RunResult } from "../conformance/runner.js";
import { EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR } from "../errors.js";
import { type Baseline, loadBaseline } from "./baseline.js";
import { appendHistory, assertHistoryWritable, type HistoryEntry, historyEntry, readHistory } from "./history.js";
import { type KnownIssue, loadKnownIssues } from "./known-issues.js";
import { type FailOn, type TriagedRun, triaged } from "./triage.js";

export interface GateSettings {
  baselinePath?: string;
  knownIssuesPath?: string;
  historyPath?: string;
  failOn: FailOn;
  failOnSkip: boolean;
}

export interface GateInputs {
  baseline?: Baseline;
  knownIssues?: KnownIssue[];
  history: HistoryEntry[];
}

export function loadGateInputs(settings: GateSettings): GateInputs {
  if (settings.historyPath !== undefined) assertHistoryWritable(settings.historyPath);
  return {
    ...(settings.baselinePath === undefined ? {} : { baseline: loadBaseline(settings.baselinePath) }),
    ...(settings.knownIssuesPath === undefined ? {} : { knownIssues: loadKnownIssues(settings.knownIssuesPath) }),
    history: settings.historyPath === undefined ? [] : readHistory(settings.historyPath),
  };
}

/** Triages the run and, with --history, appends it; the reports draw the history including this run. */
export function concludeRun(result: RunResult, settings: GateSettings, inputs: GateInputs, interrupted: boolean): TriagedRun {
  const options = { ...inputs, failOn: settings.failOn, failOnSkip: settings.failOnSkip, interrupted };
  const run = triaged(result, options);
  if (settings.historyPath === undefined) return run;
  const entry = historyEntry(result, run.triage);
  appendHistory(settings.historyPath, entry);
  return { ...run, history: [...inputs.history, entry] };
}

/**
 * 1 when the verdict is FAIL, or INCOMPLETE with --fail-on-skip; 2 when it is INCOMPLETE because the
 * infrastructure answered in place of the API (the run could not be made, as with an unreachable API);
 * else 0. (Errors, interruption and a failed restore are decided by the caller.)
 */
export function gateExitCode(run: TriagedRun): number {
  const { verdict } = run.triage;
  if (verdict.outcome === "FAIL") return EXIT_FINDINGS;
  if (verdict.byInfrastructure) return EXIT_TOOL_ERROR;
  return verdict.failsOnSkip ? EXIT_FINDINGS : EXIT_OK;
}
