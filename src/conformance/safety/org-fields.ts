/**
 * Which fields of an organization the docs list, and which an update may set, read from the spec (the
 * getOrganization 200 body and the updateOrganization request body), never copied by hand. The restore
 * compares and sends back only these: a field the docs do not list (`updated_at`, bumped by every
 * PATCH) is the server's own business, so it neither fails a restore nor is ever written back.
 */
import type { SpecDocument } from "../../spec/document.js";
import { requestFields, responseFields } from "../../validation/object-fields.js";

export interface OrgFields {
  /** Every property of the documented organization body (id, name, description, status, referral_code). */
  documented: readonly string[];
  /** The properties of the update request (name, description): what the restore always sends. */
  writable: readonly string[];
}

const known = new WeakMap<SpecDocument, OrgFields>();

export function organizationFields(spec: SpecDocument): OrgFields {
  const cached = known.get(spec);
  if (cached) return cached;
  const fields = { documented: responseFields(spec, "getOrganization", 200), writable: requestFields(spec, "updateOrganization") };
  if (fields.documented.length === 0 || fields.writable.length === 0) {
    throw new Error("the spec documents no organization properties (getOrganization 200, updateOrganization request)");
  }
  known.set(spec, fields);
  return fields;
}

/** Only the documented fields of an org body, for comparing. */
export function documentedPart(org: Record<string, unknown>, fields: OrgFields): Record<string, unknown> {
  return Object.fromEntries(fields.documented.filter((field) => field in org).map((field) => [field, org[field]]));
}
