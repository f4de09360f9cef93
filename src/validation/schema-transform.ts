/**
 * Turns OpenAPI 3.0 Schema Objects from the document into JSON Schema that Ajv compiles, applying the
 * OpenAPI semantics plain JSON Schema lacks. Input is the spec itself (never a hand copy); the output
 * is a derived view, rebuilt at start-up.
 *
 * - `readOnly` properties must not appear in requests, `writeOnly` ones not in responses, and neither
 *   counts in `required` for that direction. @see https://spec.openapis.org/oas/v3.0.3#fixed-fields-19
 * - `nullable` is left in place: Ajv implements it natively (null only where `nullable: true`).
 * - Local `$ref`s to `#/components/schemas/X` are re-pointed at the registry schema of the same
 *   direction, so references resolve through the document and not through copies.
 */
import { ToolError } from "../errors.js";
import { escapePointer, isObject, type JsonObject } from "../spec/assemble.js";
import { FORBIDDEN_DIRECTION_KEYWORD } from "./ajv.js";

export type Direction = "request" | "response";

const COMPONENT_PREFIX = "#/components/schemas/";

/** The `$id` of the registry schema holding every component schema for one direction. */
export function registryId(direction: Direction): string {
  return `urn:tenant-api:${direction}`;
}

/** A JSON Schema whose `definitions` are the document's component schemas, transformed. */
export function buildRegistry(components: unknown, direction: Direction): JsonObject {
  const definitions: JsonObject = {};
  if (isObject(components)) {
    for (const [name, schema] of Object.entries(components)) {
      definitions[name] = transformSchema(schema, direction, `${COMPONENT_PREFIX}${escapePointer(name)}`);
    }
  }
  return { $id: registryId(direction), definitions };
}

/**
 * Where each derived schema object came from in the spec (`#/components/schemas/X/properties/name`).
 * Ajv reports schema paths relative to whichever compiled function failed, which loses the `$ref`
 * hop; with `verbose` errors carry the failing schema object, and this map names it in the spec.
 */
const origins = new WeakMap<object, string>();

export function originOf(schema: unknown): string | undefined {
  return typeof schema === "object" && schema !== null ? origins.get(schema) : undefined;
}

/** One schema (and everything below it) for `direction`. `pointer` is its place in the spec. */
export function transformSchema(schema: unknown, direction: Direction, pointer: string): unknown {
  if (Array.isArray(schema)) return schema.map((item, index) => transformSchema(item, direction, `${pointer}/${index}`));
  if (!isObject(schema)) return schema;
  const result: JsonObject = {};
  origins.set(result, pointer);
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref") result.$ref = rewriteRef(value, direction, pointer);
    else if (key.startsWith("x-"))
      continue; // specification extensions carry no validation
    else if (key === "enum" || key === "default" || key === "example")
      result[key] = value; // data, not schema
    else if (key === "properties" && isObject(value)) result[key] = transformMap(value, direction, `${pointer}/properties`);
    else result[key] = transformSchema(value, direction, `${pointer}/${escapePointer(key)}`);
  }
  applyDirection(result, direction);
  return result;
}

/** A name -> schema map: the names are data (a property may be called `$ref` or `x-id`). */
function transformMap(map: JsonObject, direction: Direction, pointer: string): JsonObject {
  const result: JsonObject = {};
  for (const [name, schema] of Object.entries(map)) {
    result[name] = transformSchema(schema, direction, `${pointer}/${escapePointer(name)}`);
  }
  return result;
}

function applyDirection(schema: JsonObject, direction: Direction): void {
  if (!isObject(schema.properties)) return;
  const forbiddenFlag = direction === "request" ? "readOnly" : "writeOnly";
  const forbidden = Object.entries(schema.properties)
    .filter(([, property]) => isObject(property) && property[forbiddenFlag] === true)
    .map(([name]) => name);
  if (forbidden.length === 0) return;
  for (const name of forbidden) {
    const replacement = { [FORBIDDEN_DIRECTION_KEYWORD]: forbiddenFlag };
    origins.set(replacement, originOf(schema.properties[name]) ?? "#");
    schema.properties[name] = replacement;
  }
  if (Array.isArray(schema.required)) {
    schema.required = schema.required.filter((name) => !forbidden.includes(name as string));
    if ((schema.required as unknown[]).length === 0) delete schema.required;
  }
}

function rewriteRef(ref: unknown, direction: Direction, pointer: string): string {
  if (typeof ref === "string" && ref.startsWith(COMPONENT_PREFIX)) {
    return `${registryId(direction)}#/definitions/${ref.slice(COMPONENT_PREFIX.length)}`;
  }
  throw new ToolError("SPEC_INVALID_JSON", `unsupported $ref ${JSON.stringify(ref)} at ${pointer}: only ${COMPONENT_PREFIX}* is resolved`);
}
