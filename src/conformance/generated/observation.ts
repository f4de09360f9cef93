/**
 * One generated body as the oracle sees it: the org before, the PATCH response, the org after. Live,
 * that is a GET, the PATCH and a GET (`observe`); the request plan (plan.ts) may gather the same facts
 * with fewer waits. `judgeBody` turns an observation into findings, the same way whichever gathered it.
 */
import { isDeepStrictEqual } from "node:util";
import type { Finding } from "../../findings.js";
import type { Organization } from "../../spec/types.js";
import { preview } from "../../validation/problems.js";
import type { SpecValidators } from "../../validation/validators.js";
import { readOrg } from "../checks/patch-support.js";
import { type CheckContext, describeValue, type Observed } from "../context.js";
import { judge } from "./oracle.js";

export interface Observation {
  /** The org before the PATCH; undefined when it could not be read cleanly (then nothing was sent). */
  before?: Organization;
  response?: Observed;
  /** The org after the PATCH, read only when the response leaves the outcome open. */
  after?: Organization;
  /** What the every-response checks found in these requests. */
  inspected: Finding[];
}

/** Live: reads the org (unless `before` is known from the read that closed the previous body), sends the body, reads back. */
export async function observe(ctx: CheckContext, body: unknown, before?: Organization): Promise<Observation> {
  const first = ctx.findings.length;
  const inspected = () => ctx.findings.slice(first);
  const org = before ?? (await readOrg(ctx));
  if (org === undefined) return { inspected: inspected() };
  const expected = judge(body, org, ctx.services.validators).accept ? 200 : 400;
  const response = await ctx.patch(ctx.orgId, { json: body });
  if (!settledBy(response, expected)) return { before: org, response, inspected: inspected() };
  const after = await readOrg(ctx);
  return { before: org, response, after, inspected: inspected() };
}

/** True when the response leaves the outcome open, so the org must be read back; false when it already fails. */
function settledBy(response: Observed, expectedStatus: number): boolean {
  return response.status === expectedStatus && response.exchange.failure === undefined;
}

/** The oracle's judgement of one observation: 200 with exactly the values sent, or 400 and the org unchanged, never a 5xx. */
export function judgeBody(ctx: CheckContext, body: unknown, seen: Observation, validators: SpecValidators): void {
  const { before, response, after } = seen;
  if (before === undefined || response === undefined) {
    ctx.fail(undefined, { expected: "the org readable before the PATCH", actual: "no clean 200" });
    return;
  }
  const verdict = judge(body, before, validators);
  if (response.status !== undefined && response.status >= 500) {
    ctx.fail(response, {
      code: "generated-5xx",
      expected: `status ${verdict.accept ? 200 : 400} for ${preview(body, 120)}`,
      actual: `status ${response.status}`,
    });
    return;
  }
  if (!ctx.expectStatus(response, [verdict.accept ? 200 : 400])) return;
  if (!response.clean || after === undefined) return;
  if (verdict.accept) {
    expectOrg(ctx, response.body as Organization, verdict.expected, "", response);
    expectOrg(ctx, after, verdict.expected, "in a following GET: ", response);
  } else {
    expectOrg(ctx, after, before, "unchanged after a rejected PATCH: ", response, "rejected-patch-changed-org");
  }
}

/** Exact equality of every field (no trimming, escaping or normalising); a cleared description may be "". */
function expectOrg(ctx: CheckContext, actual: Organization, expected: Organization, what: string, response: Observed, code?: string): void {
  const fields = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const field of fields) {
    const got = (actual as Record<string, unknown>)[field];
    const want = (expected as Record<string, unknown>)[field];
    if (isDeepStrictEqual(got, want) || (field === "description" && want === undefined && got === "")) continue;
    if (!(field in expected) && field !== "description" && field !== "name") continue; // extra properties are allowed
    ctx.fail(response, { code, pointer: `/${field}`, expected: `${what}${describeValue(want)}`, actual: describeValue(got) });
  }
}
