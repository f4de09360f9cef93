/**
 * Which fields of an organization the docs list, and which an update may set, read from the spec (the
 * getOrganization 200 body and the updateOrganization request body), never copied by hand. The restore
 * compares and sends back only these: a field the docs do not list (`updated_at`, bumped by every
 * PATCH) is the server's own business, so it neither fails a restore nor is ever written back.
 */
import { operation, type SpecDocument } from "../../spec/document.js";
import { valueAt } from "../../validation/problems.js";

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
  const response = operation(spec, "getOrganization").responses.get("200")?.content.get("application/json");
  const request = operation(spec, "updateOrganization").requestBody?.content.get("application/json");
  const fields = { documented: propertiesAt(spec, response), writable: propertiesAt(spec, request) };
  if (fields.documented.length === 0 || fields.writable.length === 0) {
    throw new Error("the spec documents no organization properties (getOrganization 200, updateOrganization request)");
  }
  known.set(spec, fields);
  return fields;
}

/** The property names of the schema at `pointer`, following local `$ref`s. */
function propertiesAt(spec: SpecDocument, pointer: string | undefined): string[] {
  let schema = pointer === undefined ? undefined : valueAt(spec.raw, pointer);
  for (let hops = 0; hops < 8 && isRef(schema); hops += 1) schema = valueAt(spec.raw, schema.$ref.slice(1));
  const properties = (schema as { properties?: unknown } | undefined)?.properties;
  return typeof properties === "object" && properties !== null ? Object.keys(properties) : [];
}

function isRef(schema: unknown): schema is { $ref: string } {
  return typeof schema === "object" && schema !== null && typeof (schema as { $ref?: unknown }).$ref === "string";
}

/** Only the documented fields of an org body, for comparing. */
export function documentedPart(org: Record<string, unknown>, fields: OrgFields): Record<string, unknown> {
  return Object.fromEntries(fields.documented.filter((field) => field in org).map((field) => [field, org[field]]));
}
