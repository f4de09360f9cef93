/**
 * The two ends of the write phase, around the runner's write checks: before, the snapshot (refusing
 * to write when it could not be restored) and its journal; after, the restore and the journal's removal.
 */
import { rawJson } from "../../http/transport.js";
import { CheckContext, type RunServices } from "../context.js";
import { InfrastructureAnswered } from "../infrastructure.js";
import { watchAfterWrites, watchBeforeWrites } from "../invariants/watch.js";
import { Interrupted } from "./interrupt.js";
import { checkJournalCopy, type JournalEntry, journalEntry, removeJournal, writeJournal } from "./journal.js";
import { organizationFields } from "./org-fields.js";
import { type RestoreOutcome, restoreOrg } from "./restore.js";
import { type OrgSnapshot, unrestorableReason } from "./snapshot.js";

/** Either the journalled snapshot the writes may start from, or why no write may start. */
export type WritePlan = { entry: JournalEntry } | { skip: string; byInfrastructure?: true };

/**
 * The reads the writes need first (the org's snapshot, and every other org as each persona sees it),
 * without the journal: the runner sends them alongside the read checks, which change nothing either.
 */
export async function snapshotBeforeWrites(services: RunServices): Promise<WritePlan> {
  const ctx = new CheckContext({ id: "snapshot", operationId: "getOrganization" }, services);
  let got: Awaited<ReturnType<CheckContext["get"]>>;
  try {
    got = await ctx.get(ctx.orgId);
  } catch (error) {
    if (error instanceof Interrupted) return { skip: "the run was interrupted before the writes" };
    if (error instanceof InfrastructureAnswered)
      return {
        skip: `the organization could not be read before writing (${error.answer.reason}), so nothing is written`,
        byInfrastructure: true,
      };
    throw error;
  }
  // The raw body, never the redacted one: a piece of a token in the org's name must be written back as it was.
  const org = rawJson(got.exchange) as Partial<OrgSnapshot> | undefined;
  if (got.status !== 200 || typeof org !== "object" || org === null || typeof org.name !== "string") {
    return { skip: "the organization could not be read before writing, so nothing is written" };
  }
  if (got.exchange.encodingError !== undefined) {
    return {
      skip: "the organization's body is not valid UTF-8, so its snapshot could not be read exactly and could not be restored: nothing is written",
    };
  }
  const snapshot = org as OrgSnapshot;
  const unrestorable = unrestorableReason(snapshot, services.validators);
  if (unrestorable) return { skip: unrestorable };
  try {
    if (services.observations) await watchBeforeWrites(ctx, services.observations); // every other org, as each persona sees it
  } catch (error) {
    if (error instanceof Interrupted) return { skip: "the run was interrupted before the writes" };
    if (error instanceof InfrastructureAnswered)
      return {
        skip: `the organizations could not be read before writing (${error.answer.reason}), so nothing is written`,
        byInfrastructure: true,
      };
    throw error;
  }
  return { entry: journalEntry(services.target.baseUrl, ctx.orgId, snapshot) };
}

/**
 * The snapshot goes to the journal just before the first PATCH (never for a run stopped before its
 * writes). The `--journal` copy is written first: if it cannot be, no record is left behind to stop
 * later runs although nothing was written; a copy without a record stops nobody.
 */
export function journalled(plan: WritePlan, journalPath: string | undefined, journalCopy?: string): WritePlan {
  if ("entry" in plan && journalPath && journalCopy) {
    checkJournalCopy(journalCopy, plan.entry.orgId); // again: a file of the user's may have appeared since the guard looked
    writeJournal(journalCopy, plan.entry);
  }
  if ("entry" in plan && journalPath) writeJournal(journalPath, plan.entry);
  return plan;
}

/** Restores the org unless nothing was sent; the journal goes only once the org reads back as it was. */
export async function endWrites(
  services: RunServices,
  entry: JournalEntry,
  journalPath: string | undefined,
): Promise<RestoreOutcome | undefined> {
  if (services.health.patchesSent === 0) {
    if (journalPath) removeJournal(journalPath);
    return undefined; // nothing was written, so nothing is written back
  }
  const damage = await otherOrgsChanged(services);
  const outcome = await restoreOrg(services.transport, services.target.tokens.owner, entry, {
    fields: organizationFields(services.spec),
    redact: (text) => services.redactor?.redact(text) ?? text,
    history: services.history,
    settleMs: services.transport.timeoutMs,
  });
  services.observations?.externalWrite(); // answers after the restore show another state
  if ((outcome.verified || outcome.targetRestored) && journalPath) removeJournal(journalPath);
  // Damage outside the target is not restored by the suite: like the target's, it is exit 3 with what to do.
  return damage === undefined
    ? outcome
    : {
        verified: false,
        message: `${outcome.message}; but ${damage}`,
        targetRestored: outcome.verified || outcome.targetRestored === true,
      };
}

/**
 * Damage outside the target (src/conformance/invariants/watch.ts); not looked for after a signal. It
 * never throws: whatever happens while comparing, the restore that follows must run.
 */
async function otherOrgsChanged(services: RunServices): Promise<string | undefined> {
  if (!services.observations || services.signal?.aborted) return undefined;
  try {
    return await watchAfterWrites(new CheckContext({ id: "watch", operationId: "listUserOrganizations" }, services), services.observations);
  } catch {
    return undefined; // interrupted, or a defect of the watch: write-changes-only-target then skips
  }
}
