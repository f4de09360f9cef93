/**
 * The oracle for a generated PATCH body: does the contract accept it, and if so, what must the
 * organization look like afterwards. Acceptance is decided by the spec's request schema (through
 * the project's validators) plus the rules the schema cannot say: a JSON object with at least one
 * of name and description.
 */
import type { Organization } from "../../spec/types.js";
import type { SpecValidators } from "../../validation/validators.js";

export type Verdict = { accept: true; expected: Organization } | { accept: false; reason: string };

export function judge(body: unknown, before: Organization, validators: SpecValidators): Verdict {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { accept: false, reason: "not a JSON object" };
  const update = body as Record<string, unknown>;
  if (update.name === undefined && update.description === undefined) return { accept: false, reason: "neither name nor description" };
  const result = validators.validateRequestBody({ operationId: "updateOrganization", body });
  if (!result.valid) return { accept: false, reason: result.problems.map((p) => p.message).join("; ") };
  const expected: Organization = { ...before };
  if (typeof update.name === "string") expected.name = update.name;
  if (update.description === "") delete expected.description;
  else if (typeof update.description === "string") expected.description = update.description;
  return { accept: true, expected };
}
