/** Who may update: only owners and admins of an existing organization with a well-formed id. */
import type { Check } from "../check.js";
import { harmlessBody, readOrg, refusedPatch } from "./patch-support.js";

export const patchPermissionChecks: Check[] = [
  {
    id: "patch-member-403",
    title: "Updating an organization as a member without admin rights returns 403 and changes nothing",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "member", "writes"],
    async run(ctx) {
      await refusedPatch(ctx, { body: harmlessBody(await readOrg(ctx)), authorization: ctx.bearer("member"), allowed: [403] });
    },
  },
  {
    id: "patch-foreign-403-or-404",
    title: "Updating an organization the caller does not belong to returns 403 or 404",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["foreign", "writes"],
    async run(ctx) {
      const orgId = ctx.target.foreignOrgId ?? "";
      // Readable only if the server is already wrong; then its own name makes the probe harmless.
      // Unreadable (the normal case): an empty body, which changes nothing even if accepted.
      const current = await readOrg(ctx, orgId);
      await refusedPatch(ctx, { orgId, body: harmlessBody(current), allowed: [403, 404], compare: current !== undefined });
    },
  },
  {
    id: "patch-unknown-id-404",
    title: "Updating an organization by a well-formed id that does not exist returns 404",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "writes"],
    async run(ctx) {
      const body = harmlessBody(await readOrg(ctx));
      await refusedPatch(ctx, { orgId: ctx.target.missingOrgId ?? "", body, allowed: [404], compare: false });
    },
  },
  {
    id: "patch-malformed-id-400",
    title: "Updating an organization by a malformed id returns 400",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "writes"],
    async run(ctx) {
      const body = harmlessBody(await readOrg(ctx));
      await refusedPatch(ctx, { orgId: ctx.target.invalidOrgId, body, allowed: [400], compare: false });
    },
  },
];
