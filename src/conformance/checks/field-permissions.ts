/**
 * Permissions field by field. "Update organization name and description (admin/owner only)" names both
 * fields under one rule: a member's PATCH of the description alone is refused like a rename (403), and an
 * admin who is not the owner may rename as well as edit the description. Servers get this wrong when they
 * check permissions per field and forget one (only a rename needs admin rights; only the owner may rename).
 */
import type { Organization } from "../../spec/types.js";
import { type Check, CheckSkipped } from "../check.js";
import { readOrg, refusedPatch } from "./patch-support.js";

/** What the admin renames the org to: the restore puts the name back like every other write. */
export const ADMIN_NAME = "Conformance: renamed by an admin who is not the owner";

export const fieldPermissionChecks: Check[] = [
  {
    id: "patch-member-description-403",
    title: "Updating only the description as a member without admin rights returns 403 and changes nothing",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "member", "writes"],
    refusedOnly: true,
    async run(ctx) {
      const current = await readOrg(ctx);
      if (current === undefined) throw new CheckSkipped("the organization cannot be read, so no description-only PATCH is harmless");
      // The org's own description (or "" when it has none, which leaves it cleared): wrongly accepted, it changes nothing.
      const body = { json: { description: current.description ?? "" } };
      await refusedPatch(ctx, { body, authorization: ctx.bearer("member"), allowed: [403] });
    },
  },
  {
    id: "patch-admin-rename-200",
    title: "Renaming the organization as an admin who is not the owner returns 200 and stores the name",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "admin", "writes"],
    async run(ctx) {
      const response = await ctx.patch(ctx.orgId, { json: { name: ADMIN_NAME } }, ctx.bearer("admin"));
      if (!ctx.expectStatus(response, [200]) || !ctx.usable(response)) return;
      ctx.expectValue(response, "/name", (response.body as Organization).name, ADMIN_NAME);
      const after = await readOrg(ctx);
      if (after) ctx.expectValue(response, "/name", after.name, ADMIN_NAME, "in the owner's following GET: ");
    },
  },
];
