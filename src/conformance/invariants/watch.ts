/**
 * "A write changes its target and nothing else any persona can observe": before the first PATCH,
 * every organization each persona lists (and the foreign org as its owner reads it) is kept; after the
 * writes, before the restore, each is read again the same way and compared. The target is left to the
 * restore, which puts it back and verifies it; a change anywhere else is damage the suite cannot undo,
 * so the restore outcome names it and `write-changes-only-target` reports it as findings.
 */
import type { CheckContext } from "../context.js";
import { differences } from "../safety/snapshot.js";
import { type Observations, orgsShown, type PersonaKey } from "./observations.js";

/** Personas whose view is watched (the inference key never reads anything). */
const WATCHERS: readonly PersonaKey[] = ["owner", "admin", "member", "outsider", "foreignOwner"];

type Seen = Map<string, { persona: PersonaKey; org: Record<string, unknown> }>;

/** What every persona sees now, by org id (the first persona that shows an org reads it from then on). */
async function seenNow(ctx: CheckContext, only?: Seen): Promise<Seen> {
  const seen: Seen = new Map();
  for (const persona of WATCHERS) {
    if (ctx.target.tokens[persona] === undefined) continue;
    if (only !== undefined && ![...only.values()].some((entry) => entry.persona === persona)) continue;
    const listed = await ctx.list(ctx.bearer(persona));
    for (const org of orgsShown({ observed: listed, operationId: "listUserOrganizations", version: 0, stable: false })) {
      const id = typeof org.id === "string" ? org.id : undefined;
      if (id !== undefined && !seen.has(id)) seen.set(id, { persona, org });
    }
  }
  const { foreignOrgId } = ctx.target;
  const foreignOwnerWatched = only === undefined || only.get(foreignOrgId ?? "")?.persona === "foreignOwner";
  if (foreignOrgId !== undefined && ctx.target.tokens.foreignOwner !== undefined && !seen.has(foreignOrgId) && foreignOwnerWatched) {
    const got = await ctx.get(foreignOrgId, ctx.bearer("foreignOwner"));
    const [org] = orgsShown({ observed: got, operationId: "getOrganization", version: 0, stable: false });
    if (org !== undefined) seen.set(foreignOrgId, { persona: "foreignOwner", org });
  }
  return seen;
}

/** Before the first write: keep what every persona sees, except the target (the journal keeps that). */
export async function watchBeforeWrites(ctx: CheckContext, observations: Observations): Promise<void> {
  const seen = await seenNow(ctx);
  seen.delete(ctx.orgId);
  observations.before = seen;
}

/**
 * After the writes: every org seen before, read again by the same persona. An org a persona no longer
 * lists counts as changed (`/` absent). Returns a line for the restore outcome, or undefined.
 */
export async function watchAfterWrites(ctx: CheckContext, observations: Observations): Promise<string | undefined> {
  const before = observations.before;
  if (before === undefined) return undefined;
  const now = await seenNow(ctx, before);
  const changes: NonNullable<Observations["watch"]>["changes"] = [];
  for (const [orgId, { persona, org }] of before) {
    const after = now.get(orgId);
    if (after === undefined) {
      changes.push({ orgId, persona, field: "", was: "listed", now: "no longer shown" });
      continue;
    }
    for (const d of differences(org, after.org)) changes.push({ orgId, persona, field: `/${d.field}`, was: d.was, now: d.now });
  }
  observations.watch = { compared: before.size, changes };
  if (changes.length === 0) return undefined;
  const orgs = [...new Set(changes.map((c) => c.orgId))];
  return `the writes also changed ${orgs.length} other organization(s), which the suite does not restore: ${orgs.join(", ")}`;
}
