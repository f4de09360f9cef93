/**
 * What the docs imply for callers other than the owner. "Update organization name and description
 * (admin/owner only)": an admin who is not the owner may edit. A user who belongs to no organization
 * can neither read nor write one ("Insufficient permissions", or 404 that hides it exists). A refused
 * write to another user's organization leaves it exactly as its owner reads it.
 */
import { rawJson } from "../../http/transport.js";
import type { Organization } from "../../spec/types.js";
import { type Check, CheckSkipped } from "../check.js";
import { describeValue } from "../context.js";
import { organizationFields } from "../safety/org-fields.js";
import { describeDifferences, differences, type OrgSnapshot, restoreBody, unrestorableReason } from "../safety/snapshot.js";
import { harmlessBody, readOrg, refusedPatch } from "./patch-support.js";

/** What the admin writes: a description the restore puts back like any other write. */
export const ADMIN_DESCRIPTION = "conformance: edited by an admin who is not the owner";
/** What the owner tries to write to the foreign org: a real change, so applying it cannot go unseen. */
const FOREIGN_DESCRIPTION = "conformance: a write to a foreign organization that must be refused";

export const personaChecks: Check[] = [
  {
    id: "get-outsider-403-or-404",
    title: "Getting an organization as a user who belongs to none returns 403 or 404",
    operationId: "getOrganization",
    phase: "read",
    requires: ["org", "outsider"],
    async run(ctx) {
      ctx.expectStatus(await ctx.get(ctx.orgId, ctx.bearer("outsider")), [403, 404]);
    },
  },
  {
    id: "patch-outsider-403-or-404",
    title: "Updating an organization as a user who belongs to none returns 403 or 404 and changes nothing",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "outsider", "writes"],
    refusedOnly: true,
    async run(ctx) {
      await refusedPatch(ctx, { body: harmlessBody(await readOrg(ctx)), authorization: ctx.bearer("outsider"), allowed: [403, 404] });
    },
  },
  {
    id: "patch-admin-200",
    title: "Updating the organization as an admin who is not the owner returns 200 and stores the update",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "admin", "writes"],
    async run(ctx) {
      const response = await ctx.patch(ctx.orgId, { json: { description: ADMIN_DESCRIPTION } }, ctx.bearer("admin"));
      if (!ctx.expectStatus(response, [200]) || !response.clean) return;
      ctx.expectValue(response, "/description", (response.body as Organization).description, ADMIN_DESCRIPTION);
      const after = await readOrg(ctx);
      if (after) ctx.expectValue(response, "/description", after.description, ADMIN_DESCRIPTION, "in the owner's following GET: ");
    },
  },
  {
    id: "patch-foreign-org-unchanged",
    title: "A refused update of another user's organization leaves it exactly as its owner reads it",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["foreignOwner", "writes"],
    async run(ctx) {
      const orgId = ctx.target.foreignOrgId ?? "";
      const asItsOwner = ctx.bearer("foreignOwner");
      // Raw, as the server sent it: what is written back (its own name, its put-back) must never be the
      // redacted text; findings show it redacted (`shown`).
      const read = async () => {
        const got = await ctx.get(orgId, asItsOwner);
        return got.status === 200 && got.clean ? (rawJson(got.exchange) as OrgSnapshot) : undefined;
      };
      const shown = (value: unknown) => describeValue(ctx.services.redactor?.redactJson(structuredClone(value)) ?? value);
      const before = await read();
      if (before === undefined) throw new CheckSkipped("the foreign organization's owner cannot read it (check TENANT_API_FOREIGN_TOKEN)");
      // A real change, but only when the owner could put it back; otherwise its own name (harmless).
      const restorable = unrestorableReason(before, ctx.services.validators) === undefined;
      const body = restorable ? { json: { description: FOREIGN_DESCRIPTION } } : harmlessBody(before as Organization);
      const response = await ctx.patch(orgId, body);
      const after = await read();
      if (after === undefined) return;
      const changed = differences(before, after);
      if (changed.length === 0) return;
      const putBack = restorable ? await restoreForeign(before, after) : "its owner's token was not used to put it back";
      for (const d of changed) {
        ctx.fail(response, {
          pointer: `/${d.field}`,
          expected: `unchanged ${shown(d.was)} after the owner of another organization tried to update it`,
          actual: `${shown(d.now)} (${putBack})`,
        });
      }

      async function restoreForeign(snapshot: OrgSnapshot, current: Record<string, unknown>): Promise<string> {
        await ctx.patch(orgId, { json: restoreBody(snapshot, current, organizationFields(ctx.services.spec)) }, asItsOwner);
        const now = await read();
        const left = now === undefined ? undefined : differences(snapshot, now);
        if (left !== undefined && left.length === 0) return "put back with its owner's token";
        const still = left === undefined ? "it could not be read" : describeDifferences(left);
        return `NOT put back: ${ctx.services.redactor?.redact(still) ?? still}`;
      }
    },
  },
];
