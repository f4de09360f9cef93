/** Who may update: only owners and admins of an existing organization with a well-formed id. */
import type { Check } from "../check.js";
import type { Target } from "../target.js";
import { harmlessBody, readOrg, refusedPatch } from "./patch-support.js";

export const patchPermissionChecks: Check[] = [
  {
    id: "patch-member-403",
    title: "Updating an organization as a member without admin rights returns 403 and changes nothing",
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "member", "writes"],
    refusedOnly: true,
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
    refusedOnly: true,
    async run(ctx) {
      const orgId = ctx.target.foreignOrgId ?? "";
      // Readable only if the server is already wrong; then its own name makes the probe harmless.
      // Unreadable (the normal case): an empty body, which changes nothing even if accepted.
      const current = await readOrg(ctx, orgId);
      await refusedPatch(ctx, { orgId, body: harmlessBody(current), allowed: [403, 404], compare: current !== undefined });
    },
  },
  refusedForId("patch-unknown-id-404", "by a well-formed id that does not exist returns 404", (t) => t.missingOrgId ?? "", 404),
  refusedForId("patch-malformed-id-400", "by a malformed id returns 400", (t) => t.invalidOrgId, 400),
];

/** A PATCH to an id that names no org the owner can edit, carrying the org's current name. */
function refusedForId(id: string, title: string, orgIdOf: (target: Target) => string, status: number): Check {
  return {
    id,
    title: `Updating an organization ${title}`,
    operationId: "updateOrganization",
    phase: "write",
    requires: ["org", "writes"],
    refusedOnly: true,
    async run(ctx) {
      const body = harmlessBody(await readOrg(ctx));
      await refusedPatch(ctx, { orgId: orgIdOf(ctx.target), body, allowed: [status], compare: false });
    },
  };
}
