/**
 * Authentication: for each operation, four ways to present bad credentials, each must be 401.
 * PATCH probes carry the org's current name, so a server that wrongly accepts one changes nothing.
 */
import { randomBytes } from "node:crypto";
import type { OperationId } from "../../spec/types.js";
import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import { harmlessBody, readOrg, refusedPatch } from "./patch-support.js";

interface Variant {
  id: string;
  title: string;
  /** The Authorization header to send; null sends none. */
  authorization(ctx: CheckContext): string | null;
}

const variants: Variant[] = [
  { id: "no-token", title: "without an Authorization header", authorization: () => null },
  {
    id: "malformed-header",
    title: "with the token but without the Bearer scheme",
    authorization: (ctx) => ctx.bearer("owner").slice("Bearer ".length),
  },
  {
    id: "unknown-token",
    title: "with a token the API never issued",
    authorization: () => `Bearer nc-unknown-${randomBytes(16).toString("hex")}`,
  },
  { id: "inference-key", title: "with an sk-nc- inference key", authorization: (ctx) => ctx.bearer("inferenceKey") },
  // "do not prepend Bearer": the scheme comes once; `Bearer Bearer <token>` carries no token the API issued.
  { id: "doubled-bearer", title: "with the Bearer scheme written twice", authorization: (ctx) => `Bearer ${ctx.bearer("owner")}` },
];

const operations: { operationId: OperationId; verb: string; send(ctx: CheckContext, authorization: string | null): Promise<void> }[] = [
  {
    operationId: "listUserOrganizations",
    verb: "Listing organizations",
    async send(ctx, authorization) {
      ctx.expectStatus(await ctx.list(authorization), [401]);
    },
  },
  {
    operationId: "getOrganization",
    verb: "Getting an organization",
    async send(ctx, authorization) {
      ctx.expectStatus(await ctx.get(ctx.orgId, authorization), [401]);
    },
  },
  {
    operationId: "updateOrganization",
    verb: "Updating an organization",
    async send(ctx, authorization) {
      await refusedPatch(ctx, { body: harmlessBody(await readOrg(ctx)), authorization, allowed: [401] });
    },
  },
];

export const authChecks: Check[] = operations.flatMap((op) =>
  variants.map(
    (variant): Check => ({
      id: `auth-${op.operationId}-${variant.id}-401`,
      title: `${op.verb} ${variant.title} returns 401`,
      operationId: op.operationId,
      phase: op.operationId === "updateOrganization" ? "write" : "read",
      requires: op.operationId === "updateOrganization" ? ["org", "writes"] : op.operationId === "getOrganization" ? ["org"] : [],
      refusedOnly: op.operationId === "updateOrganization",
      run: (ctx) => op.send(ctx, variant.authorization(ctx)),
    }),
  ),
);
