/**
 * The bad-credential probes (a near-token, a broken Authorization header: checks with `badCredentials`)
 * and what they may do to the run's own personas. Some gateways lock an account for a minute after three
 * bad tokens; sent among the writes, the probes would lock the owner out mid-write, leave the org changed
 * and turn every later 401 into a false finding. So the runner sends them when nothing is left to
 * restore (after the restore and the invariants), then checks the owner's good token once more. If it is
 * refused, the run says so ("refused after N bad-token probes (an account lockout)"), and the probes'
 * passes prove nothing (a 401 may be the lockout's), so they are reported not run; findings stay.
 */
import type { Check } from "./check.js";
import { CheckContext, type RunServices } from "./context.js";
import { InfrastructureAnswered } from "./infrastructure.js";
import type { CheckResult } from "./runner.js";
import { Interrupted } from "./safety/interrupt.js";

/** The runner's result for the good token checked after the probes, reported only when it was refused. */
export const LOCKOUT_RESULT_ID = "token-after-bad-token-probes";

export interface ProbeRun {
  probes: readonly Check[];
  services: RunServices;
  /** Runs one check (the runner's runOne) and records its result. */
  runOne(check: Check): Promise<CheckResult>;
  concurrently(checks: Check[], work: (check: Check) => Promise<void>): Promise<void>;
}

/**
 * Sends the probes, then reads the list with the owner's good token. Returns the results, with the
 * lockout's result when the good token was refused.
 */
export async function runBadCredentialProbes(run: ProbeRun): Promise<Map<Check, CheckResult> & { lockout?: CheckResult }> {
  const results: Map<Check, CheckResult> & { lockout?: CheckResult } = new Map();
  const record = async (check: Check) => {
    results.set(check, await run.runOne(check));
  };
  // All together, up to --concurrency: every probe must be refused, and a PATCH probe a faulty API applies
  // carries the org's own name, so none changes anything (at most one applied PATCH in flight still holds).
  await run.concurrently([...run.probes], record);
  const sent = [...results.values()].filter((result) => result.requests > 0).length;
  if (sent === 0) return results;
  const refused = await goodTokenRefused(run.services);
  if (refused === undefined) return results;
  const lockout = `refused after ${sent} bad-token probes (an account lockout)`;
  for (const [check, result] of results) {
    if (result.outcome !== "pass") continue;
    results.set(check, {
      ...result,
      outcome: "skip",
      reason: `not proven: the owner's valid token was ${lockout}, so a 401 here may be the lockout's`,
    });
  }
  results.lockout = {
    id: LOCKOUT_RESULT_ID,
    title: "The owner's valid token is still accepted after the bad-token probes",
    operationId: "listUserOrganizations",
    phase: "final",
    outcome: "skip",
    reason:
      `the owner's valid token was ${lockout}: answered ${refused} after them. A gateway or the API locks an account after failed ` +
      "logins; the probes ran after the restore, so no write was affected, and their 401s are not filed as the API's bugs",
    findings: [],
    requests: 1,
    durationMs: 0,
  };
  return results;
}

/** The status that refused the owner's good token now (401 or 403), or undefined when it was accepted or nothing could tell. */
async function goodTokenRefused(services: RunServices): Promise<number | undefined> {
  // Its answer is not kept for the invariants (they have run), and not judged as a check's.
  const ctx = new CheckContext({ id: LOCKOUT_RESULT_ID, operationId: "listUserOrganizations" }, { ...services, answersNotObserved: true });
  try {
    const got = await ctx.list();
    return got.status === 401 || got.status === 403 ? got.status : undefined;
  } catch (error) {
    if (error instanceof InfrastructureAnswered || error instanceof Interrupted) return undefined;
    throw error;
  }
}
