/**
 * Building blocks of the PATCH checks: read the org as the owner, send a PATCH that must be refused
 * and prove it changed nothing, send a PATCH that must be applied and read the result back.
 */
import { isDeepStrictEqual } from "node:util";
import { rawJson } from "../../http/transport.js";
import type { Organization } from "../../spec/types.js";
import { type CheckContext, describeValue, type Observed, type PatchBody } from "../context.js";
import { batchOf } from "../plan.js";

/** The org as the owner sees it now; undefined when it cannot be read cleanly. */
export async function readOrg(ctx: CheckContext, orgId: string = ctx.orgId): Promise<Organization | undefined> {
  const shared = orgId === ctx.target.orgId ? batchOf(ctx)?.sharedBefore() : undefined;
  if (shared) return shared; // one read for every probe of a batch (plan.ts)
  const got = await ctx.get(orgId);
  return got.status === 200 && got.clean ? (got.body as Organization) : undefined;
}

/**
 * The org as the owner sees it now, raw (not redacted: src/redaction.ts), for a body sent back when no
 * restore follows; undefined when it cannot be read cleanly.
 */
export async function readOrgRaw(ctx: CheckContext): Promise<Organization | undefined> {
  const got = await ctx.get(ctx.orgId);
  return got.status === 200 && got.clean ? (rawJson(got.exchange) as Organization) : undefined;
}

/** A body that changes nothing if it were wrongly accepted: the org's current name. */
export function harmlessBody(current: Organization | undefined): PatchBody {
  return current?.name === undefined ? { json: {} } : { json: { name: current.name } };
}

export interface RefusedPatch {
  orgId?: string;
  body: PatchBody;
  /** Omitted: the owner's token; null: no Authorization header. */
  authorization?: string | null;
  allowed: readonly number[];
  /** Whether the org can be read before and after (false for orgs the owner cannot see). */
  compare?: boolean;
}

/**
 * Sends a PATCH that must be refused, then proves the org is exactly as it was. In a batch (plan.ts)
 * the PATCH goes out with the batch's other probes and the org under test is read once for all.
 */
export async function refusedPatch(ctx: CheckContext, probe: RefusedPatch): Promise<Observed> {
  const orgId = probe.orgId ?? ctx.orgId;
  const compare = probe.compare ?? true;
  const batch = batchOf(ctx);
  const before = compare ? await readOrg(ctx, orgId) : undefined;
  const response = await (batch
    ? batch.patch(ctx, orgId, probe.body, probe.authorization)
    : ctx.patch(orgId, probe.body, probe.authorization));
  ctx.expectStatus(response, probe.allowed);
  // A probe accepted where the docs leave a freedom (`bearer <token>` may be 200) was applied, not rejected:
  // whether it kept the other fields is the update rules' concern, not this one.
  const acceptedFreely = response.status !== undefined && response.status < 300 && probe.allowed.includes(response.status);
  if (before !== undefined && !acceptedFreely) {
    const after = batch && orgId === ctx.target.orgId ? await batch.afterAll() : await readOrg(ctx, orgId);
    if (after !== undefined) expectUnchanged(ctx, response, before, after);
  }
  return response;
}

function expectUnchanged(ctx: CheckContext, response: Observed, before: Organization, after: Organization): void {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = (before as Record<string, unknown>)[key];
    const now = (after as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(was, now)) {
      ctx.fail(response, {
        code: "rejected-patch-changed-org",
        pointer: `/${key}`,
        expected: `unchanged ${describeValue(was)} after a rejected PATCH`,
        actual: describeValue(now),
      });
    }
  }
}

export interface Applied {
  response: Observed;
  /** The PATCH response body, when it was a clean 200. */
  updated?: Organization;
  /** A GET right after, when the PATCH was a clean 200. */
  after?: Organization;
}

/** Sends a PATCH that must be applied (200) and reads the org back. */
export async function appliedPatch(ctx: CheckContext, json: unknown): Promise<Applied> {
  const response = await ctx.patch(ctx.orgId, { json });
  if (!ctx.expectStatus(response, [200]) || !ctx.usable(response)) return { response };
  return { response, updated: response.body as Organization, after: await readOrg(ctx) };
}

/**
 * Checks a field in both the PATCH response and the following GET. When the GET shows the value
 * stored as the rule says and only the response differs, that is the response's own rule
 * (`patch-response-equals-get`), not this check's.
 */
export function expectField(ctx: CheckContext, applied: Applied, field: keyof Organization, expected: unknown, what = ""): void {
  const stored = applied.after && isDeepStrictEqual(applied.after[field], expected);
  if (applied.updated) {
    const code = stored ? RESPONSE_EQUALS_GET : undefined;
    ctx.expectValue(applied.response, `/${field}`, applied.updated[field], expected, what, code);
  }
  if (applied.after) ctx.expectValue(applied.response, `/${field}`, applied.after[field], expected, `${what}in a following GET: `);
}

/** The rule that a PATCH's 200 body is the organization as stored. */
export const RESPONSE_EQUALS_GET = "patch-response-equals-get";
