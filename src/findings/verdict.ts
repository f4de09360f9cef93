/**
 * The verdict of a run, in one word, with its reasons:
 * - FAIL: at least one finding fails the gate (a new finding; an unchanged one unless --fail-on new;
 *   one whose known issue has expired), or the org was not restored. Findings decide even when the
 *   run was also incomplete.
 * - INCOMPLETE: nothing fails, but the run did not test everything: a check was skipped (for any
 *   reason, including a read-only run), a check crashed (error), or the run was interrupted. When the
 *   infrastructure (a gateway's page, a rate limiter's 429, a proxy) answered in place of the API, the
 *   reasons say so ("the gateway answered 503 to 14 requests") and `byInfrastructure` is set: the run
 *   could not be made, exit 2 (src/findings/gate.ts).
 * - PASS: every check ran and passed, or failed only with findings accepted as known or (with
 *   --fail-on new) unchanged.
 * With --fail-on-skip an INCOMPLETE run fails the gate when a check was skipped for what the settings
 * lack (the skips the header line announces), or skipped with no finding in the run to explain it. A
 * check that could not judge because an answer broke a rule is explained by that finding, which fails
 * the gate on its own unless it is accepted as a known issue: accepting a bug must not leave the
 * nightly red through the checks it blinds.
 * Against the embedded reference provider the verdict says that no deployed API was tested. A run of
 * checks chosen with --checks/--exclude-checks names its selection: its PASS is "PASS for the
 * selected checks only", never a PASS of the API.
 */

import type { RunResult } from "../conformance/runner.js";
import { describeInfrastructure } from "../http/infrastructure-report.js";

export type VerdictWord = "PASS" | "FAIL" | "INCOMPLETE";

export interface Verdict {
  outcome: VerdictWord;
  /** Why, as short phrases: "3 findings fail the gate", "12 checks skipped". */
  reasons: string[];
  /** False for the embedded provider: the run tested the suite's own reference, not a deploy. */
  deployedApiTested: boolean;
  /** --fail-on-skip was given and the run is INCOMPLETE: the gate fails (exit 1). */
  failsOnSkip: boolean;
  /** Set when --checks/--exclude-checks chose the checks: the verdict holds for these only. */
  selection?: { args: string[]; selected: number; total: number };
  /** INCOMPLETE because the infrastructure answered in place of the API for some requests: exit 2, not 0. */
  byInfrastructure?: boolean;
}

export const NO_DEPLOYED_API = "embedded reference provider: no deployed API was tested";

export function reachVerdict(
  result: RunResult,
  findings: readonly { failsGate: boolean; state?: string }[],
  options: { failOnSkip: boolean; interrupted: boolean },
): Verdict {
  const failing = findings.filter((f) => f.failsGate).length;
  const skipped = result.checks.filter((c) => c.outcome === "skip").length;
  const errors = result.checks.filter((c) => c.outcome === "error").length;
  const reasons: string[] = [];
  if (failing > 0) reasons.push(`${failing} finding${failing === 1 ? "" : "s"} fail${failing === 1 ? "s" : ""} the gate`);
  // Still there, and let through only by --fail-on new: said in the verdict, so a green run never hides them.
  const tolerated = findings.filter((f) => !f.failsGate && f.state === "unchanged").length;
  if (tolerated > 0) {
    reasons.push(`${tolerated} unchanged finding${tolerated === 1 ? "" : "s"} still present (not failing: --fail-on new)`);
  }
  if (result.restore && !result.restore.verified) reasons.push("the organization was not restored");
  if (options.interrupted) reasons.push("the run was interrupted");
  // Only the checks it left not run make the run incomplete: answers cleared by resends cost time, nothing else.
  const notRun = result.checks.filter((c) => c.byInfrastructure).length;
  if (notRun > 0) {
    const said = result.infrastructure ? `: ${describeInfrastructure(result.infrastructure)}` : "";
    reasons.push(`incomplete because of the infrastructure, not the API (${notRun} check${notRun === 1 ? "" : "s"} not run)${said}`);
  }
  if (errors > 0) reasons.push(`${errors} check${errors === 1 ? "" : "s"} could not run (error)`);
  if (skipped > 0) reasons.push(`${skipped} check${skipped === 1 ? "" : "s"} skipped`);
  const { selection } = result;
  if (selection) reasons.push(`only ${selection.selected} of ${selection.total} checks selected (${selection.args.join(" ")})`);
  const failed = failing > 0 || (result.restore !== undefined && !result.restore.verified);
  const incomplete = options.interrupted || errors > 0 || skipped > 0 || notRun > 0;
  const outcome: VerdictWord = failed ? "FAIL" : incomplete ? "INCOMPLETE" : "PASS";
  const planned = result.checks.some((c) => c.outcome === "skip" && c.planned === true);
  const unexplained = skipped > 0 && findings.length === 0;
  return {
    outcome,
    reasons,
    deployedApiTested: !result.target.embedded,
    failsOnSkip: outcome === "INCOMPLETE" && options.failOnSkip && (planned || unexplained || errors > 0 || options.interrupted),
    ...(selection ? { selection: { args: selection.args, selected: selection.selected, total: selection.total } } : {}),
    ...(outcome === "INCOMPLETE" && notRun > 0 ? { byInfrastructure: true } : {}),
  };
}

/** The verdict's headline: `PASS`, or `PASS for the selected checks only` when a selection ran. */
export function verdictTitle(verdict: Pick<Verdict, "outcome" | "selection">): string {
  return verdict.outcome === "PASS" && verdict.selection ? "PASS for the selected checks only" : verdict.outcome;
}

/** `FAIL (3 findings fail the gate; 2 checks skipped) — embedded reference provider: no deployed API was tested` */
export function describeVerdict(verdict: Verdict): string {
  const why = verdict.reasons.length > 0 ? ` (${verdict.reasons.join("; ")})` : "";
  const embedded = verdict.deployedApiTested ? "" : ` — ${NO_DEPLOYED_API}`;
  const gate = verdict.failsOnSkip ? " — --fail-on-skip: the gate fails" : "";
  return `${verdictTitle(verdict)}${why}${gate}${embedded}`;
}
