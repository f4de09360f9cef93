/**
 * "A write changes its target and nothing else any persona can observe": before the first PATCH,
 * every organization each persona lists (and the foreign org as its owner reads it) is kept; after the
 * writes, before the restore, each is read again the same way and compared. The target is left to the
 * restore, which puts it back and verifies it; a change anywhere else is damage the suite cannot undo,
 * so the restore outcome names it and `write-changes-only-target` reports it as findings.
 */

import { preview } from "../../validation/problems.js";
import type { CheckContext, Observed } from "../context.js";
import { concurrencyOf, inParallel } from "../plan.js";
import { organizationFields } from "../safety/org-fields.js";
import { documentedDifferences } from "../safety/snapshot.js";
import { type Observations, orgsShown, type PersonaKey } from "./observations.js";

/** Personas whose view is watched (the inference key never reads anything). */
const WATCHERS: readonly PersonaKey[] = ["owner", "admin", "member", "outsider", "foreignOwner"];

type Seen = Map<string, { persona: PersonaKey; org: Record<string, unknown> }>;

/**
 * What every persona sees now, by org id (the first persona that shows an org reads it from then on),
 * and which personas answered at all. A list that breaks the schema still shows its other orgs (the
 * target may be the item that breaks it), so answers need not be clean, only 200s.
 */
async function seenNow(ctx: CheckContext, only?: Seen): Promise<{ seen: Seen; answered: Set<PersonaKey> }> {
  const seen: Seen = new Map();
  const answered = new Set<PersonaKey>();
  const personas = WATCHERS.filter(
    (persona) =>
      ctx.target.tokens[persona] !== undefined && (only === undefined || [...only.values()].some((entry) => entry.persona === persona)),
  );
  // Reads only, so they go out together (one wait on a live API); merged in WATCHERS order, as one at a time.
  const lists = await inParallel(personas, concurrencyOf(ctx.services), (persona) => ctx.list(ctx.bearer(persona)));
  for (const [index, persona] of personas.entries()) {
    const listed = lists[index] as Observed;
    if (listed.status === 200 && Array.isArray((listed.body as { data?: unknown } | undefined)?.data)) answered.add(persona);
    for (const org of orgsShown({ observed: listed, operationId: "listUserOrganizations" }, false)) {
      const id = typeof org.id === "string" ? org.id : undefined;
      if (id !== undefined && !seen.has(id)) seen.set(id, { persona, org });
    }
  }
  const { foreignOrgId } = ctx.target;
  const foreignOwnerWatched = only === undefined || only.get(foreignOrgId ?? "")?.persona === "foreignOwner";
  if (foreignOrgId !== undefined && ctx.target.tokens.foreignOwner !== undefined && !seen.has(foreignOrgId) && foreignOwnerWatched) {
    const got = await ctx.get(foreignOrgId, ctx.bearer("foreignOwner"));
    const [org] = orgsShown({ observed: got, operationId: "getOrganization" }, false);
    if (org !== undefined) seen.set(foreignOrgId, { persona: "foreignOwner", org });
  }
  return { seen, answered };
}

/** Before the first write: keep what every persona sees, except the target (the journal keeps that). */
export async function watchBeforeWrites(ctx: CheckContext, observations: Observations): Promise<void> {
  const { seen } = await seenNow(ctx);
  seen.delete(ctx.orgId);
  observations.before = seen;
}

/**
 * After the writes: every org seen before, read again by the same persona. An org a persona's list no
 * longer shows counts as changed; one whose persona got no list now cannot be compared and is left out.
 * Returns a line for the restore outcome, or undefined.
 */
export async function watchAfterWrites(ctx: CheckContext, observations: Observations): Promise<string | undefined> {
  const before = observations.before;
  if (before === undefined) return undefined;
  const { seen: now, answered } = await seenNow(ctx, before);
  const changes: NonNullable<Observations["watch"]>["changes"] = [];
  for (const [orgId, { persona, org }] of before) {
    const after = now.get(orgId);
    if (after === undefined && answered.has(persona)) {
      changes.push({ orgId, persona, field: "", was: "listed", now: "no longer shown" });
    }
    if (after === undefined) continue;
    // Only fields the docs list: a server-managed one (`updated_at`) may change without any damage.
    for (const d of documentedDifferences(org, after.org, organizationFields(ctx.services.spec)))
      changes.push({ orgId, persona, field: `/${d.field}`, was: d.was, now: d.now });
  }
  observations.watch = { compared: before.size, changes };
  if (changes.length === 0) return undefined;
  const orgs = [...new Set(changes.map((c) => c.orgId))];
  const each = orgs.map((orgId) => `${orgId} (${changedFields(changes.filter((c) => c.orgId === orgId))})`);
  return (
    `the writes also changed ${orgs.length} other organization(s), which the suite does not restore: ${each.join("; ")}. ` +
    "Put each back as it was (its owner can PATCH the values shown as 'was'), then run the gate again"
  );
}

function changedFields(changes: NonNullable<Observations["watch"]>["changes"]): string {
  const show = (value: unknown) => (value === undefined ? "absent" : preview(value, 80));
  return changes.map((c) => (c.field === "" ? `${c.now}` : `${c.field} is ${show(c.now)}, was ${show(c.was)}`)).join(", ");
}
