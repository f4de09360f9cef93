/**
 * What a consumer team needs to write its own pact-js tests of the Organizations operations, with
 * the response shapes taken from the spec instead of typed out again: example bodies per
 * (operation, status), matchers per field, and a validation of an example (matchers reified) that
 * fails before the pact is written when the example breaks the schema. Exported from the package
 * entry (src/index.ts); the suite's own consumer test (tests/contract/) uses the same functions.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { ToolError } from "../errors.js";
import { findingsFromValidation, renderFinding } from "../findings/finding.js";
import { isObject, type JsonObject } from "../spec/assemble.js";
import { documentedResponse, operation } from "../spec/document.js";
import { valueAt } from "../validation/problems.js";
import { specValidators } from "../validation/validators.js";

const { like, regex, eachLike, eachKeyMatches } = MatchersV3;

/** A documented example organization: every field the response schema lists, every value valid. */
const EXAMPLE_ORGANIZATION: Readonly<Record<string, string>> = {
  id: "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  name: "Acme Research",
  description: "Research team",
  referral_code: "7F3A9C21B0",
};

/** A field's value in `organizationMatcher`: a value or matcher of your own, or `undefined` to leave the field out. */
export type FieldOverride = unknown;

/**
 * The pact body of an OrganizationResponse: every property the spec lists, each matched by type
 * (an enum by a regex of the spec's own values), unless `fields` gives an exact value, a matcher of
 * your own, or `undefined` to leave it out (a field the consumer does not read need not be promised).
 */
export function organizationMatcher(fields: Record<string, FieldOverride> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(organizationProperties())) {
    if (name in fields) {
      if (fields[name] !== undefined) body[name] = fields[name];
      continue;
    }
    body[name] = fieldMatcher(name, schema);
  }
  return body;
}

/** The pact body of an ErrorResponse: both fields present and strings; their wording is the provider's. */
export function errorMatcher(code = "error_code", message = "A descriptive error message."): Record<string, unknown> {
  return { code: like(code), message: like(message) };
}

/** The pact body of an OrganizationListResponse: at least one organization like `item`. */
export function organizationListMatcher(item: Record<string, unknown> = organizationMatcher()): Record<string, unknown> {
  return { data: eachLike(item) };
}

/**
 * The object with any keys but `key`: Pact cannot say "absent" (and accepts extra keys), so the keys
 * themselves are matched, e.g. an update that clears the description answers without `description`.
 */
export function withoutKey(example: Record<string, unknown>, key: string): unknown {
  return eachKeyMatches(example, regex(anyStringBut(key), Object.keys(example)[0] ?? "id"));
}

/** A look-ahead-free pattern (Pact's core has none) for every string but `word`: its prefixes, divergences and extensions. */
export function anyStringBut(word: string): string {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const branches = [...word].map((char, i) => `${literal(word.slice(0, i))}(?:[^${literal(char)}].*)?`);
  return `^(?:${[...branches, `${literal(word)}.+`].join("|")})$`;
}

/**
 * A plain example body (no matchers) for a documented (operation, status), valid against the spec:
 * an organization, a list of one, or an ErrorResponse whose message is the spec's description of
 * that status. An undocumented status is a tool error.
 */
export function exampleFor(operationId: string, status: number): unknown {
  const schema = responseSchemaName(operationId, status);
  if (schema === "OrganizationListResponse") return { data: [MatchersV3.reify(organizationMatcher())] };
  if (schema === "OrganizationResponse") return MatchersV3.reify(organizationMatcher());
  return { code: "error_code", message: responseDescription(operationId, status) };
}

/**
 * The spec's problems with an example response body (matchers reified), one rendered line each;
 * empty when it conforms. Call it (or `assertExample`) before `willRespondWith`, so a pact that
 * promises what the spec does not allow is never written.
 */
export function validateExample(operationId: string, status: number, body: unknown, contentType = "application/json"): string[] {
  const result = specValidators().validateResponse({ operationId, status, contentType, body: MatchersV3.reify(body as never) });
  return findingsFromValidation(result).map(renderFinding);
}

/** `validateExample` that throws (one line per problem) when the example breaks the spec. */
export function assertExample(operationId: string, status: number, body: unknown): void {
  const problems = validateExample(operationId, status, body);
  if (problems.length > 0) throw new Error(`the example for ${operationId} ${status} breaks the spec:\n${problems.join("\n")}`);
}

function fieldMatcher(name: string, schema: JsonObject): unknown {
  const resolved = resolveRef(schema);
  const values = Array.isArray(resolved.enum) ? resolved.enum.filter((v): v is string => typeof v === "string") : [];
  if (values.length > 0)
    return regex(`^(${values.join("|")})$`, typeof resolved.default === "string" ? resolved.default : (values[0] ?? ""));
  const example = EXAMPLE_ORGANIZATION[name];
  if (example === undefined)
    throw new ToolError("SPEC_INVALID_JSON", `no example for OrganizationResponse.${name}: add one to EXAMPLE_ORGANIZATION`);
  return like(example);
}

function schemas(): JsonObject {
  const components = specValidators().spec.raw.components;
  const found = isObject(components) ? components.schemas : undefined;
  if (!isObject(found)) throw new ToolError("SPEC_INVALID_JSON", "the spec has no components.schemas");
  return found;
}

function organizationProperties(): Record<string, JsonObject> {
  const org = schemas().OrganizationResponse;
  if (!isObject(org) || !isObject(org.properties))
    throw new ToolError("SPEC_INVALID_JSON", "the spec has no OrganizationResponse properties");
  return org.properties as Record<string, JsonObject>;
}

function resolveRef(schema: JsonObject): JsonObject {
  const ref = typeof schema.$ref === "string" ? schema.$ref : undefined;
  if (ref === undefined) return schema;
  const target = schemas()[ref.replace("#/components/schemas/", "")];
  return isObject(target) ? target : schema;
}

/** The component name of the JSON schema documented for (operation, status), e.g. "ErrorResponse". */
function responseSchemaName(operationId: string, status: number): string | undefined {
  const op = operation(specValidators().spec, operationId);
  const response = documentedResponse(op, status);
  if (response === undefined) throw new ToolError("CONFIG_INVALID", `${operationId} does not document status ${status}`);
  const pointer = response.content.get("application/json") ?? "";
  const schema = valueAt(specValidators().spec.raw, pointer);
  return isObject(schema) && typeof schema.$ref === "string" ? schema.$ref.replace("#/components/schemas/", "") : undefined;
}

function responseDescription(operationId: string, status: number): string {
  const op = operation(specValidators().spec, operationId);
  const response = documentedResponse(op, status);
  const value = valueAt(specValidators().spec.raw, `${op.pointer}/responses/${response?.status ?? status}`);
  return isObject(value) && typeof value.description === "string" ? value.description : "An error.";
}
