/**
 * Against the embedded provider the suite has every persona, every org and leave to write, so no check
 * has a reason to be skipped: a skip there means the suite (or the provider it ships) is broken, and a
 * run that reports it as green would prove nothing. Skips the operator asked for (--read-only, or a check
 * selection without writes for a check that judges them) are fine.
 */
import { NO_WRITE_SELECTED, type RunResult } from "./runner.js";

/** Why the run is a failure of the suite itself, or undefined. */
export function embeddedSkipFailure(result: RunResult): string | undefined {
  if (!result.target.embedded || result.interrupted !== undefined) return undefined;
  const skipped = result.checks.filter((check) => check.outcome === "skip" && !operatorsChoice(check.reason, result));
  if (skipped.length === 0) return undefined;
  const named = skipped.slice(0, 3).map((check) => `${check.id} (${check.reason ?? "no reason"})`);
  const more = skipped.length > named.length ? `, and ${skipped.length - named.length} more` : "";
  return `${skipped.length} check(s) skipped against the embedded provider, which has every persona and allows writes, so the suite itself is broken: ${named.join(", ")}${more}`;
}

function operatorsChoice(reason: string | undefined, result: RunResult): boolean {
  return reason === result.target.writesDenied || reason === NO_WRITE_SELECTED;
}
