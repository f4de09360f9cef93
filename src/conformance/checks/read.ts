/** List and get: what any caller can observe without writing. */
import { isDeepStrictEqual } from "node:util";
import type { Organization, OrganizationList } from "../../spec/types.js";
import type { Check } from "../check.js";
import { describeValue } from "../context.js";

export const readChecks: Check[] = [
  {
    id: "list-owner-200",
    title: "Listing organizations as a member of some returns 200 and every item is a valid organization",
    operationId: "listUserOrganizations",
    phase: "read",
    requires: [],
    async run(ctx) {
      const listed = await ctx.list();
      if (!ctx.expectStatus(listed, [200]) || !ctx.usable(listed)) return;
      const items = (listed.body as OrganizationList).data ?? [];
      if (items.length === 0) ctx.fail(listed, { pointer: "/data", expected: "at least one organization", actual: "an empty list" });
      if (ctx.target.orgId !== undefined && !items.some((org) => org.id === ctx.target.orgId)) {
        ctx.fail(listed, {
          pointer: "/data",
          expected: `an item with id ${ctx.target.orgId}`,
          actual: `ids ${items.map((o) => o.id).join(", ")}`,
        });
      }
    },
  },
  {
    id: "list-outsider-404-or-empty",
    title: "Listing organizations as a user who belongs to none returns 404 or an empty list",
    operationId: "listUserOrganizations",
    phase: "read",
    requires: ["outsider"],
    async run(ctx) {
      const listed = await ctx.list(ctx.bearer("outsider"));
      if (!ctx.expectStatus(listed, [200, 404]) || listed.status !== 200 || !ctx.usable(listed)) return;
      const items = (listed.body as OrganizationList).data ?? [];
      if (items.length > 0) ctx.fail(listed, { pointer: "/data", expected: "an empty list", actual: `${items.length} organization(s)` });
    },
  },
  {
    id: "get-own-200-equals-list-entry",
    title: "Getting the caller's organization returns 200 and the same object as its list entry",
    operationId: "getOrganization",
    phase: "read",
    requires: ["org"],
    async run(ctx) {
      const [listed, got] = await Promise.all([ctx.list(), ctx.get(ctx.orgId)]);
      if (!ctx.expectStatus(got, [200]) || !ctx.usable(got) || listed.status !== 200 || !ctx.usable(listed)) return;
      const entry = ((listed.body as OrganizationList).data ?? []).find((org) => org.id === ctx.orgId);
      if (entry === undefined) return; // list-owner-200 reports the missing entry
      const org = got.body as Organization;
      for (const key of new Set([...Object.keys(entry), ...Object.keys(org)])) {
        const a = (entry as Record<string, unknown>)[key];
        const b = (org as Record<string, unknown>)[key];
        if (!isDeepStrictEqual(a, b))
          ctx.fail(got, { pointer: `/${key}`, expected: `the list entry's ${describeValue(a)}`, actual: describeValue(b) });
      }
    },
  },
  {
    id: "get-malformed-id-400",
    title: "Getting an organization by a malformed id returns 400",
    operationId: "getOrganization",
    phase: "read",
    requires: [],
    async run(ctx) {
      ctx.expectStatus(await ctx.get(ctx.target.invalidOrgId), [400]);
    },
  },
  {
    id: "get-unknown-id-404",
    title: "Getting an organization by a well-formed id that does not exist returns 404",
    operationId: "getOrganization",
    phase: "read",
    requires: [],
    async run(ctx) {
      ctx.expectStatus(await ctx.get(ctx.target.missingOrgId ?? ""), [404]);
    },
  },
  {
    id: "get-foreign-403-or-404",
    title: "Getting an organization the caller does not belong to returns 403 or 404, never 200",
    operationId: "getOrganization",
    phase: "read",
    requires: ["foreign"],
    async run(ctx) {
      ctx.expectStatus(await ctx.get(ctx.target.foreignOrgId ?? ""), [403, 404]);
    },
  },
];
