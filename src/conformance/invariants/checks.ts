/**
 * The invariants: rules that tie answers together across operations and callers, judged over every
 * answer the run collected (Observations) after all other checks and the restore. They add few
 * requests of their own: only `listed-org-readable` reads the orgs a list showed that nobody read.
 */
import type { Check } from "../check.js";
import { CheckSkipped } from "../check.js";
import type { CheckContext } from "../context.js";
import { describeValue } from "../context.js";
import { concurrencyOf, inParallel } from "../plan.js";
import { differences } from "../safety/snapshot.js";
import { type Observation, type Observations, orgsShown, type PersonaKey } from "./observations.js";

const final = { phase: "final", requires: [] } as const;

function observationsOf(ctx: CheckContext): Observations {
  const observations = ctx.services.observations;
  if (observations === undefined) throw new CheckSkipped("no answers were collected");
  return observations;
}

const idOf = (org: Record<string, unknown>): string | undefined => (typeof org.id === "string" ? org.id : undefined);

/** "Unique identifier for the organization": no list repeats an id, and a get or patch answers the id asked for. */
const listIdsUnique: Check = {
  ...final,
  id: "list-ids-unique",
  title: "No list holds two items with the same id, and a get or patch by id answers that id",
  operationId: "listUserOrganizations",
  async run(ctx) {
    for (const observation of observationsOf(ctx).all) {
      const orgs = orgsShown(observation);
      if (observation.operationId === "listUserOrganizations") {
        const ids = orgs.map(idOf).filter((id): id is string => id !== undefined);
        const repeated = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
        if (repeated.length > 0) {
          ctx.fail(observation.observed, { pointer: "/data", expected: "unique ids", actual: `ids listed twice: ${repeated.join(", ")}` });
        }
        continue;
      }
      const id = orgs[0] === undefined ? undefined : idOf(orgs[0]);
      if (id !== undefined && id !== observation.orgId) {
        ctx.fail(observation.observed, { pointer: "/id", expected: `the id asked for, ${observation.orgId}`, actual: describeValue(id) });
      }
    }
  },
};

/** Every stable answer showing one org, grouped by org id and data version. */
function sameState(observations: Observations): Map<string, { observation: Observation; org: Record<string, unknown> }[]> {
  const groups = new Map<string, { observation: Observation; org: Record<string, unknown> }[]>();
  for (const observation of observations.all) {
    if (!observation.stable || observation.persona === undefined) continue;
    for (const org of orgsShown(observation)) {
      const id = idOf(org);
      if (id === undefined) continue;
      const key = `${observation.version} ${id}`;
      groups.set(key, [...(groups.get(key) ?? []), { observation, org }]);
    }
  }
  return groups;
}

const showing = (o: Observation) => `${o.persona}'s ${o.operationId}`;

/**
 * One rule for two invariants: within one data version, every answer about an org agrees with the
 * first answer of the same caller (`samePersona`) or with the first answer of another caller.
 */
function agreementCheck(id: string, title: string, samePersona: boolean): Check {
  return {
    ...final,
    id,
    title,
    operationId: "getOrganization",
    async run(ctx) {
      for (const group of sameState(observationsOf(ctx)).values()) {
        const [first] = group;
        if (first === undefined) continue;
        const reported = new Set<string>();
        for (const { observation, org } of group) {
          const reference = samePersona
            ? group.find((entry) => entry.observation.persona === observation.persona)
            : observation.persona === first.observation.persona
              ? undefined
              : first;
          if (reference === undefined || reference.observation === observation) continue;
          for (const d of differences(reference.org, org)) {
            const key = `${observation.persona} ${d.field}`;
            if (reported.has(key)) continue;
            reported.add(key);
            ctx.fail(observation.observed, {
              pointer: `/${d.field}`,
              expected: `${describeValue(d.was)}, as ${showing(reference.observation)} showed with no write between`,
              actual: describeValue(d.now),
            });
          }
        }
      }
    },
  };
}

const listGetPatchAgree = agreementCheck(
  "list-get-patch-agree",
  "For one caller, what the list, the get and the patch say about an organization agree when no write falls between them",
  true,
);

const personasSeeSameOrg = agreementCheck(
  "personas-see-same-org",
  "Every caller who may read an organization sees the same object when no write falls between",
  false,
);

/** How many orgs `listed-org-readable` reads itself (a list of thousands must not become thousands of GETs). */
const MAX_OWN_READS = 10;

/**
 * "Retrieve all organizations for the current user" and "Insufficient permissions to view": a caller's
 * list holds the orgs that caller may read. An org a caller lists must answer that caller's GET with
 * 200; an org that answered their GET with 200 must be in their list.
 */
const listedOrgReadable: Check = {
  ...final,
  id: "listed-org-readable",
  title: "An organization in a caller's list answers that caller's GET with 200, and one the caller can GET is in their list",
  operationId: "getOrganization",
  async run(ctx) {
    const observations = observationsOf(ctx).all;
    const lists = new Map<PersonaKey, Set<string>>();
    for (const o of observations) {
      if (o.operationId !== "listUserOrganizations" || o.persona === undefined || !o.observed.clean) continue;
      if (o.observed.status === 200) lists.set(o.persona, new Set(orgsShown(o).flatMap((org) => idOf(org) ?? [])));
      if (o.observed.status === 404) lists.set(o.persona, new Set()); // "No organizations found."
    }
    const gets = observations.filter((o) => o.operationId === "getOrganization" && o.persona !== undefined && o.orgId !== undefined);
    const readBy = (persona: PersonaKey, orgId: string) =>
      gets.filter((o) => o.persona === persona && o.orgId === orgId).map((o) => o.observed);
    const shown = [...lists].flatMap(([persona, listed]) => [...listed].map((orgId) => ({ persona, orgId })));
    // Listed orgs nobody read yet: read now (at most MAX_OWN_READS, together), then judged in list order.
    const unread = shown.filter(({ persona, orgId }) => readBy(persona, orgId).length === 0).slice(0, MAX_OWN_READS);
    const got = await inParallel(unread, concurrencyOf(ctx.services), ({ persona, orgId }) => ctx.get(orgId, ctx.bearer(persona)));
    const ownReads = new Map(unread.map((entry, index) => [entry, got[index]]));
    for (const entry of shown) {
      const { persona, orgId } = entry;
      const own = ownReads.get(entry);
      const reads = own ? [own] : readBy(persona, orgId);
      const refused = reads.find((observed) => observed.status !== undefined && observed.status !== 200 && !observed.exchange.failure);
      if (refused) ctx.fail(refused, { expected: `status 200: ${persona}'s list shows ${orgId}`, actual: `status ${refused.status}` });
    }
    for (const o of gets) {
      const listed = o.persona === undefined ? undefined : lists.get(o.persona);
      if (o.observed.status === 200 && o.observed.clean && listed !== undefined && !listed.has(o.orgId ?? "")) {
        ctx.fail(o.observed, {
          pointer: "/id",
          expected: `a caller's GET answers 200 only for orgs in their list; ${o.persona}'s list lacks ${o.orgId}`,
          actual: "status 200",
        });
      }
    }
  },
};

/** The write watch's result (src/conformance/invariants/watch.ts), as findings. */
const writeChangesOnlyTarget: Check = {
  phase: "final",
  requires: ["org", "writes"],
  id: "write-changes-only-target",
  title: "The writes change their target organization and nothing else any persona can observe",
  operationId: "updateOrganization",
  async run(ctx) {
    const { watch } = observationsOf(ctx);
    if (watch === undefined) throw new CheckSkipped("nothing was compared: no write was made, or the run stopped before the comparison");
    if (watch.compared === 0) ctx.note("no persona sees an organization other than the target: nothing else to compare");
    for (const change of watch.changes) {
      ctx.fail(undefined, {
        pointer: change.field,
        expected: `${change.orgId} as ${change.persona} saw it before the writes: ${describeValue(change.was)}`,
        actual: `${describeValue(change.now)} (not restored by the suite)`,
      });
    }
  },
};

export const invariantChecks: Check[] = [listIdsUnique, listGetPatchAgree, personasSeeSameOrg, listedOrgReadable, writeChangesOnlyTarget];
