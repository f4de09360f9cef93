/**
 * What a member without admin rights may read. "(admin/owner only)" restricts updates, and
 * "Insufficient permissions to view organization details" refuses viewers who lack them; a member
 * has them: the list shows the org ("all organizations for the current user") and a GET returns it.
 */
import { isDeepStrictEqual } from "node:util";
import type { OrganizationList } from "../../spec/types.js";
import type { Check } from "../check.js";
import { describeValue } from "../context.js";
import { readOrg } from "./patch-support.js";

export const readAsMemberChecks: Check[] = [
  {
    id: "list-member-includes-org",
    title: "Listing organizations as a member without admin rights includes the organization",
    operationId: "listUserOrganizations",
    phase: "read",
    requires: ["org", "member"],
    async run(ctx) {
      const listed = await ctx.list(ctx.bearer("member"));
      if (!ctx.expectStatus(listed, [200]) || !listed.clean) return;
      const ids = ((listed.body as OrganizationList).data ?? []).map((org) => org.id);
      if (!ids.includes(ctx.orgId))
        ctx.fail(listed, { pointer: "/data", expected: `an item with id ${ctx.orgId}`, actual: `ids ${ids.join(", ")}` });
    },
  },
  {
    id: "get-member-200",
    title: "Getting the organization as a member without admin rights returns 200 and what the owner sees",
    operationId: "getOrganization",
    phase: "read",
    requires: ["org", "member"],
    async run(ctx) {
      const [asMember, asOwner] = await Promise.all([ctx.get(ctx.orgId, ctx.bearer("member")), readOrg(ctx)]);
      if (!ctx.expectStatus(asMember, [200]) || !asMember.clean || asOwner === undefined) return;
      const seen = asMember.body as Record<string, unknown>;
      for (const key of new Set([...Object.keys(asOwner), ...Object.keys(seen)])) {
        const owner = (asOwner as Record<string, unknown>)[key];
        if (!isDeepStrictEqual(seen[key], owner))
          ctx.fail(asMember, { pointer: `/${key}`, expected: `the owner's ${describeValue(owner)}`, actual: describeValue(seen[key]) });
      }
    },
  },
];
