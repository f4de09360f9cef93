/**
 * The oracle for a generated PATCH body: does the contract accept it, and if so, what must the
 * organization look like afterwards. Acceptance is decided by the spec's request schema (through
 * the project's validators) plus the rules the schema cannot say: a JSON object with at least one
 * of name and description.
 */
import type { Organization } from "../../spec/types.js";
import type { SpecValidators } from "../../validation/validators.js";

/**
 * `mayRefuse`: the body is allowed, but so is a 400 for it (the reason says why); nothing else is.
 * `refusal`: why a refused body is refused, as a class (not a value): what a finding's fingerprint names.
 */
export type Verdict = { accept: true; expected: Organization; mayRefuse?: string } | { accept: false; reason: string; refusal: string };

/**
 * A lone surrogate (`"\ud800"` in the JSON text) is allowed by JSON's grammar (RFC 8259 §7) and counts as
 * one code point for min/maxLength, but it is no Unicode character: RFC 8259 §8.2 calls the behaviour of
 * such strings unpredictable and I-JSON (RFC 7493 §2.1) forbids them. So the API may refuse it with 400
 * or store it exactly; replacing it (U+FFFD), dropping it or failing with a 5xx are findings.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function judge(body: unknown, before: Organization, validators: SpecValidators): Verdict {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { accept: false, reason: "not a JSON object", refusal: "not a JSON object" };
  }
  const update = body as Record<string, unknown>;
  if (update.name === undefined && update.description === undefined) {
    return { accept: false, reason: "neither name nor description", refusal: "neither name nor description" };
  }
  const result = validators.validateRequestBody({ operationId: "updateOrganization", body });
  if (!result.valid) {
    // The broken schema keyword and where (`/name minLength`), not the value that broke it. A body breaking
    // several (fast-check shrinks most to one) is classed by the first in a fixed order, the same every seed.
    const [broken] = result.problems.map((p) => `${p.instancePath || "/"} ${p.keyword ?? p.code}`).sort();
    return { accept: false, reason: result.problems.map((p) => p.message).join("; "), refusal: broken ?? "the request schema" };
  }
  const expected: Organization = { ...before };
  if (typeof update.name === "string") expected.name = update.name;
  if (update.description === "") delete expected.description;
  else if (typeof update.description === "string") expected.description = update.description;
  const strings = [update.name, update.description].filter((value) => typeof value === "string");
  if (strings.some((text) => LONE_SURROGATE.test(text)))
    return { accept: true, expected, mayRefuse: "a lone surrogate is no Unicode text" };
  return { accept: true, expected };
}
