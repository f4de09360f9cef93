/**
 * Against the embedded provider the suite has every persona, every org and leave to write, so no check
 * has a reason to be skipped: a skip there means the suite (or the provider it ships) is broken, and a
 * run that reports it as green would prove nothing. Skips the operator asked for (--read-only, or a check
 * selection without writes for a check that judges them, --concurrency 1 for a check that needs two requests
 * in flight) are fine.
 */
import { ONE_AT_A_TIME } from "./plan.js";
import { type CheckResult, NO_WRITE_SELECTED, type RunResult } from "./runner.js";

/** Why the run is a failure of the suite itself, or undefined. */
export function embeddedSkipFailure(result: RunResult): string | undefined {
  if (!result.target.embedded || result.interrupted !== undefined) return undefined;
  const skipped = result.checks.filter((check) => check.outcome === "skip" && !operatorsChoice(check, result));
  if (skipped.length === 0) return undefined;
  const named = skipped.slice(0, 3).map((check) => `${check.id} (${check.reason ?? "no reason"})`);
  const more = skipped.length > named.length ? `, and ${skipped.length - named.length} more` : "";
  return `${skipped.length} check(s) skipped against the embedded provider, which has every persona and allows writes, so the suite itself is broken: ${named.join(", ")}${more}`;
}

/** --read-only, a selection without writes, or --concurrency 1 for a check that needs requests in flight together. */
function operatorsChoice(check: CheckResult, result: RunResult): boolean {
  const { reason } = check;
  const oneAtATime = check.planned === true && reason?.startsWith(ONE_AT_A_TIME) === true;
  return reason === result.target.writesDenied || reason === NO_WRITE_SELECTED || oneAtATime;
}
