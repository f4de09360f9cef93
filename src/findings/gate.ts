/**
 * The gate's inputs and decision around a run: the baseline, known issues and history are read
 * before the first request (a bad file is exit 2 with no request sent); after the run the findings
 * are triaged, the run is appended to the history, and the verdict gives the exit code.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { RunResult } from "../conformance/runner.js";
import { EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { type Baseline, loadBaseline } from "./baseline.js";
import { appendHistory, assertHistoryWritable, type HistoryEntry, historyEntry, OUTAGE, outageEntry, readHistory } from "./history.js";
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
  /** Set on a first night: the --baseline file does not exist yet, and nothing says it should. */
  noBaselineYet?: string;
  knownIssues?: KnownIssue[];
  history: HistoryEntry[];
  /** What the gate assumed, said before the first request ("no baseline yet: every finding is new"). */
  notes: string[];
}

export function loadGateInputs(settings: GateSettings): GateInputs {
  if (settings.historyPath !== undefined) assertHistoryWritable(settings.historyPath);
  const history = settings.historyPath === undefined ? [] : readHistory(settings.historyPath);
  const notes: string[] = [];
  const inputs: GateInputs = { history, notes };
  if (settings.baselinePath !== undefined) {
    if (existsSync(settings.baselinePath)) inputs.baseline = loadBaseline(settings.baselinePath);
    else inputs.noBaselineYet = firstNight(settings.baselinePath, settings.historyPath, history);
  }
  if (inputs.noBaselineYet !== undefined) notes.push(inputs.noBaselineYet);
  if (settings.knownIssuesPath !== undefined) inputs.knownIssues = knownIssuesOrNone(settings.knownIssuesPath, notes);
  return inputs;
}

/**
 * A --baseline file that does not exist is a first night only when the history can vouch for it: given,
 * and recording no earlier run that made a report (an outage made none). Otherwise it is a mistyped path
 * or a baseline that was not kept, and exit 2 names it: a typo must not turn every finding "new" quietly.
 */
function firstNight(path: string, historyPath: string | undefined, history: readonly HistoryEntry[]): string {
  if (historyPath === undefined) {
    throw new ToolError(
      "BASELINE_INVALID",
      `baseline ${path} does not exist (on a first night, give --history too: a history with no earlier run tells a first night from a mistyped path)`,
    );
  }
  const runs = history.filter((entry) => entry.verdict !== OUTAGE).length;
  if (runs > 0) {
    throw new ToolError(
      "BASELINE_INVALID",
      `baseline ${path} does not exist, but the history ${historyPath} records ${runs} earlier run${runs === 1 ? "" : "s"}: a mistyped path, or the last report was not kept`,
    );
  }
  return `no baseline yet (${path} does not exist and the history ${historyPath} records no earlier run): every finding is new`;
}

/** A known-issues file not written yet accepts nothing (the gate can only be stricter); a directory that does not exist is a typo. */
function knownIssuesOrNone(path: string, notes: string[]): KnownIssue[] {
  if (existsSync(path)) return loadKnownIssues(path);
  if (!existsSync(dirname(resolve(path)))) {
    throw new ToolError("KNOWN_ISSUES_INVALID", `known-issues file ${path}: the directory ${dirname(path)} does not exist`);
  }
  notes.push(`known-issues file ${path} does not exist: no finding is accepted as known (start it as [])`);
  return [];
}

/** Triages the run and, with --history, appends it; the reports draw the history including this run. */
export function concludeRun(result: RunResult, settings: GateSettings, inputs: GateInputs, interrupted: boolean): TriagedRun {
  const { notes: _notes, ...given } = inputs;
  const options = { ...given, failOn: settings.failOn, failOnSkip: settings.failOnSkip, interrupted };
  const run = triaged(result, options);
  if (settings.historyPath === undefined) return run;
  const entry = historyEntry(result, run.triage);
  appendHistory(settings.historyPath, entry);
  return { ...run, history: [...inputs.history, entry] };
}

/**
 * A night the run could not be made (the API unreachable, the org locked): written to the history as an
 * outage with its cause, so the trend shows the night. A history that cannot take it changes nothing:
 * the run's own error is what the operator must see.
 */
export function recordOutage(settings: GateSettings, target: HistoryEntry["target"], cause: string): void {
  if (settings.historyPath === undefined) return;
  try {
    appendHistory(settings.historyPath, outageEntry(target, cause));
  } catch {
    // the run's error is reported by the caller; a second one would hide it
  }
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
