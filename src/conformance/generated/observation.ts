/**
 * One generated body as the oracle sees it: the org before, the PATCH response, the org after. Live,
 * that is a GET, the PATCH and a GET (`observe`); the request plan (plan.ts) may gather the same facts
 * with fewer waits. `judgeBody` turns an observation into findings, the same way whichever gathered it.
 */
import { isDeepStrictEqual } from "node:util";
import type { Finding } from "../../findings/finding.js";
import type { Organization } from "../../spec/types.js";
import { preview } from "../../validation/problems.js";
import type { SpecValidators } from "../../validation/validators.js";
import { RESPONSE_EQUALS_GET, readOrg } from "../checks/patch-support.js";
import { type CheckContext, describeValue, type Observed } from "../context.js";
import { classed } from "../input-class.js";
import { organizationFields } from "../safety/org-fields.js";
import { judge, type Verdict } from "./oracle.js";

export interface Observation {
  /** The org before the PATCH; undefined when it could not be read cleanly (then nothing was sent). */
  before?: Organization;
  response?: Observed;
  /** The org after the PATCH, read only when the response's status is one the oracle allows. */
  after?: Organization;
  /**
   * The check's own findings from these requests: those that got no whole response. (What the
   * every-response rules find goes to the run-level results when the request is made.)
   */
  own: Finding[];
}

/** The statuses the oracle allows: 200 for an accepted body (or 400 where it may be refused), else 400. */
export function allowedStatuses(verdict: Verdict): number[] {
  return verdict.accept ? (verdict.mayRefuse ? [200, 400] : [200]) : [400];
}

/** Live: reads the org (unless `before` is known from the read that closed the previous body), sends the body, reads back. */
export async function observe(ctx: CheckContext, body: unknown, before?: Organization): Promise<Observation> {
  const first = ctx.findings.length;
  const own = () => ctx.findings.slice(first);
  const org = before ?? (await readOrg(ctx));
  if (org === undefined) return { own: own() };
  const allowed = allowedStatuses(judge(body, org, ctx.services.validators));
  const response = await ctx.patch(ctx.orgId, { json: body });
  // A status the oracle does not allow already fails: the one-at-a-time check reads nothing more then.
  if (response.status === undefined || response.exchange.failure || !allowed.includes(response.status)) {
    return { before: org, response, own: own() };
  }
  const after = await readOrg(ctx);
  return { before: org, response, after, own: own() };
}

/** The oracle's judgement of one observation: 200 with exactly the values sent, or 400 and the org unchanged, never a 5xx. */
export function judgeBody(ctx: CheckContext, body: unknown, seen: Observation, validators: SpecValidators): void {
  const { before, response, after } = seen;
  // An org that cannot be read cleanly is the every-response rules' finding; this check cannot judge.
  if (before === undefined || response === undefined) {
    ctx.couldNotJudge("the organization could not be read cleanly (see the every-response findings)");
    return;
  }
  const verdict = judge(body, before, validators);
  const input = bodyClass(verdict);
  if (response.status !== undefined && response.status >= 500) {
    classed(ctx, `${input}, answered 5xx`, () =>
      ctx.fail(response, {
        code: "generated-5xx",
        expected: `status ${verdict.accept ? 200 : 400}`,
        actual: `status ${response.status} for ${preview(body, 120)}`,
      }),
    );
    return;
  }
  let allowed = false;
  classed(ctx, answeredClass(verdict, response.status), () => {
    allowed = ctx.expectStatus(response, allowedStatuses(verdict));
  });
  if (!allowed || !ctx.usable(response) || after === undefined) return;
  if (response.status === 200 && verdict.accept) {
    const carried = (field: string) => `${input}, ${carries(body, field) ? "carrying the field" : "without the field"}`;
    // Stored right but answered wrong is the response's own rule, not a broken update rule.
    const found = ctx.findings.length;
    expectOrg(ctx, after, verdict.expected, "in a following GET: ", response, undefined, (field) => `${carried(field)}: stored otherwise`);
    const storedRight = ctx.findings.length === found;
    const code = storedRight ? RESPONSE_EQUALS_GET : undefined;
    expectOrg(ctx, response.body as Organization, verdict.expected, "", response, code, (field) => `${carried(field)}: answered otherwise`);
  } else {
    expectOrg(
      ctx,
      after,
      before,
      "unchanged after a rejected PATCH: ",
      response,
      "rejected-patch-changed-org",
      // Refused rightly but applied anyway: one bug whatever the body broke, so the class leaves the reason out.
      () => "a body the rules refuse: the org changed",
    );
  }
}

/**
 * Only the status of a body's answer (the org before and after are not read): for a body sent to find out
 * whether the server takes it, when the org may already be unreadable (a null name it took before).
 */
export function judgeStatus(ctx: CheckContext, response: Observed, verdict: Verdict): void {
  classed(ctx, answeredClass(verdict, response.status), () => ctx.expectStatus(response, allowedStatuses(verdict)));
}

/** The class of a generated body as the oracle sees it: what a fingerprint names instead of the body itself. */
function bodyClass(verdict: Verdict): string {
  // A body the API may also refuse (a lone surrogate) is still one it must store exactly when it accepts it.
  return verdict.accept ? "a body the rules accept" : `a body the rules refuse (${verdict.refusal})`;
}

/**
 * A refused body answered with the wrong status: when it was accepted (2xx) the class names the rule the
 * server did not enforce (an empty name, a numeric description: different bugs); any other wrong status
 * (422 for every refusal) is one bug whatever the body broke, so the class leaves the reason out.
 */
function answeredClass(verdict: Verdict, status: number | undefined): string {
  if (verdict.accept) return `a body the rules accept, answered ${status}`;
  const accepted = status !== undefined && status >= 200 && status < 300;
  return accepted ? `${bodyClass(verdict)}, answered ${status}` : `a body the rules refuse, answered ${status}`;
}

function carries(body: unknown, field: string): boolean {
  return typeof body === "object" && body !== null && field in body;
}

/** Exact equality of every field (no trimming, escaping or normalising); a cleared description may be "". */
function expectOrg(
  ctx: CheckContext,
  actual: Organization,
  expected: Organization,
  what: string,
  response: Observed,
  code: string | undefined,
  inputClass: (field: string) => string,
): void {
  const fields = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const field of fields) {
    const got = (actual as Record<string, unknown>)[field];
    const want = (expected as Record<string, unknown>)[field];
    if (isDeepStrictEqual(got, want) || (field === "description" && want === undefined && got === "")) continue;
    if (!(field in expected) && field !== "description" && field !== "name") continue; // extra properties are allowed
    // A field the docs do not list is the server's (an `updated_at` every write bumps): the oracle says nothing of it.
    if (!organizationFields(ctx.services.spec).documented.includes(field)) continue;
    classed(ctx, inputClass(field), () =>
      ctx.fail(response, { code, pointer: `/${field}`, expected: `${what}${describeValue(want)}`, actual: describeValue(got) }),
    );
  }
}
