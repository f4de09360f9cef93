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
 * - Given the components, a schema compiled for validation has each such `$ref` replaced by the
 *   transformed component itself (unless that would recurse). Ajv calls a separate function for a
 *   `$ref` and, collecting every error, appends its errors with `vErrors.concat(...)`, which copies
 *   all errors so far: an array of n invalid items cost O(n²) (40,000 items took 4.6 s, 500,000
 *   would take minutes). Inlined, errors are pushed in place and validation stays linear. The
 *   inlined objects are the transformed components, so `originOf` still names them in the spec.
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
export function transformSchema(schema: unknown, direction: Direction, pointer: string, components?: unknown): unknown {
  const inlining = isObject(components) ? { components, done: new Map<string, unknown>(), resolving: new Set<string>() } : undefined;
  return transform(schema, direction, pointer, inlining);
}

/** The component schemas to inline, those already transformed, and those being transformed. */
interface Inlining {
  components: JsonObject;
  done: Map<string, unknown>;
  resolving: Set<string>;
}

function transform(schema: unknown, direction: Direction, pointer: string, inlining: Inlining | undefined): unknown {
  if (Array.isArray(schema)) return schema.map((item, index) => transform(item, direction, `${pointer}/${index}`, inlining));
  if (!isObject(schema)) return schema;
  const inlined = inlining && Object.keys(schema).length === 1 ? inlineRef(schema.$ref, direction, inlining) : undefined;
  if (inlined !== undefined) return inlined;
  const result: JsonObject = {};
  origins.set(result, pointer);
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref") result.$ref = rewriteRef(value, direction, pointer);
    else if (key.startsWith("x-"))
      continue; // specification extensions carry no validation
    else if (key === "enum" || key === "default" || key === "example")
      result[key] = value; // data, not schema
    else if (key === "properties" && isObject(value)) result[key] = transformMap(value, direction, `${pointer}/properties`, inlining);
    else result[key] = transform(value, direction, `${pointer}/${escapePointer(key)}`, inlining);
  }
  applyDirection(result, direction);
  return result;
}

/** A name -> schema map: the names are data (a property may be called `$ref` or `x-id`). */
function transformMap(map: JsonObject, direction: Direction, pointer: string, inlining: Inlining | undefined): JsonObject {
  const result: JsonObject = {};
  for (const [name, schema] of Object.entries(map)) {
    result[name] = transform(schema, direction, `${pointer}/${escapePointer(name)}`, inlining);
  }
  return result;
}

/** The transformed component a lone `$ref` names; undefined when it is no component or would recurse. */
function inlineRef(ref: unknown, direction: Direction, inlining: Inlining): unknown {
  if (typeof ref !== "string" || !ref.startsWith(COMPONENT_PREFIX)) return undefined;
  const name = ref.slice(COMPONENT_PREFIX.length).replaceAll("~1", "/").replaceAll("~0", "~");
  if (inlining.resolving.has(name) || !Object.hasOwn(inlining.components, name)) return undefined;
  let inlined = inlining.done.get(name);
  if (inlined === undefined) {
    inlining.resolving.add(name);
    inlined = transform(inlining.components[name], direction, `${COMPONENT_PREFIX}${escapePointer(name)}`, inlining);
    inlining.resolving.delete(name);
    inlining.done.set(name, inlined);
  }
  return inlined;
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
