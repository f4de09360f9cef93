/**
 * Authentication: for each operation, ways to present bad credentials, each must be 401: no token, a
 * token the API did not issue, and the header `Bearer <token>` broken at the start, the end, in the
 * middle or in its scheme (RFC 6750 §2.1: `Bearer` 1*SP token, nothing before or after). The scheme's
 * case is a freedom (RFC 9110 §11.1: schemes are case-insensitive; some servers refuse anyway), so
 * `bearer <token>` may answer 200 or 401. PATCH probes carry the org's current name, so a server that
 * wrongly accepts one changes nothing. A token is an exact string (RFC 6750 §2.1, b64token): one that
 * differs from an issued token only in letter case, in its last character or by characters glued to its
 * end is no issued token, and is 401 (near-tokens.ts).
 */
import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { OperationId } from "../../spec/types.js";
import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import { batchOf } from "../plan.js";
import { nearTokenVariants } from "./near-tokens.js";
import { harmlessBody, readOrg, readOrgRaw, refusedPatch } from "./patch-support.js";

export interface Variant {
  id: string;
  title: string;
  /** The Authorization header to send; null sends none. */
  authorization(ctx: CheckContext): string | null;
  /** Statuses allowed (default 401 only). */
  allowed?: readonly number[];
}

const token = (ctx: CheckContext) => ctx.bearer("owner").slice("Bearer ".length);

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
  { id: "prefix-junk", title: "with junk glued before the scheme (XBearer)", authorization: (ctx) => `X${ctx.bearer("owner")}` },
  { id: "suffix-junk", title: "with junk after the token", authorization: (ctx) => `${ctx.bearer("owner")} junk` },
  { id: "double-space", title: "with two spaces between scheme and token", authorization: (ctx) => `Bearer  ${token(ctx)}` },
  { id: "token-scheme", title: "with the token under the Token scheme", authorization: (ctx) => `Token ${token(ctx)}` },
  { id: "basic-scheme", title: "with the token under the Basic scheme", authorization: (ctx) => `Basic ${token(ctx)}` },
  {
    id: "lowercase-scheme",
    title: "with the scheme in lower case (a freedom: accepted or refused)",
    authorization: (ctx) => `bearer ${token(ctx)}`,
    allowed: [200, 401],
  },
  ...nearTokenVariants(token),
];

type Send = (ctx: CheckContext, authorization: string | null, allowed: readonly number[]) => Promise<void>;

const operations: { operationId: OperationId; verb: string; send: Send }[] = [
  {
    operationId: "listUserOrganizations",
    verb: "Listing organizations",
    async send(ctx, authorization, allowed) {
      ctx.expectStatus(await ctx.list(authorization), allowed);
    },
  },
  {
    operationId: "getOrganization",
    verb: "Getting an organization",
    async send(ctx, authorization, allowed) {
      ctx.expectStatus(await ctx.get(ctx.orgId, authorization), allowed);
    },
  },
  {
    operationId: "updateOrganization",
    verb: "Updating an organization",
    async send(ctx, authorization, allowed) {
      // Sent after the restore (bad-credentials.ts), a probe a faulty API applies must change nothing, so its
      // name is the raw one: a redacted name ("Acme [REDACTED]") would rename the org. In a batch, the redacted read serves (the restore follows).
      const body = harmlessBody(batchOf(ctx) ? await readOrg(ctx) : await readOrgRaw(ctx));
      // An accepted token with the empty body (the org was unreadable) is refused for the body: 400.
      const emptyBody = "json" in body && isDeepStrictEqual(body.json, {});
      await refusedPatch(ctx, { body, authorization, allowed: emptyBody && allowed.includes(200) ? [...allowed, 400] : allowed });
    },
  },
];

export const authChecks: Check[] = operations.flatMap((op) =>
  variants.map(
    (variant): Check => ({
      id: `auth-${op.operationId}-${variant.id}-${(variant.allowed ?? [401]).join("-or-")}`,
      title: `${op.verb} ${variant.title} returns ${(variant.allowed ?? [401]).join(" or ")}`,
      operationId: op.operationId,
      phase: op.operationId === "updateOrganization" ? "write" : "read",
      requires: op.operationId === "updateOrganization" ? ["org", "writes"] : op.operationId === "getOrganization" ? ["org"] : [],
      // Every probe changes nothing on a correct API: refused, or (a lowercase scheme, which may be 200) applied
      // with the org's own name; so all of them join the batch of refusals, whose read after proves it.
      refusedOnly: op.operationId === "updateOrganization",
      mayBeApplied: op.operationId === "updateOrganization" && variant.allowed !== undefined,
      // A gateway may lock the account after a few bad tokens: sent after the restore, never mid-write. A
      // variant with the good token (`bearer <token>`, which may be applied) is no bad credential: it stays a write.
      badCredentials: variant.allowed === undefined,
      run: (ctx) => op.send(ctx, variant.authorization(ctx), variant.allowed ?? [401]),
    }),
  ),
);
