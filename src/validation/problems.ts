/**
 * Validation results as data. A problem names where in the body it is (JSON pointer), where in the
 * spec the rule lives, what was expected and what was found; the message is built from those fields
 * and nothing else, so every reporter can render it the same way.
 */
import type { ErrorObject } from "ajv";
import { escapePointer } from "../spec/assemble.js";
import { FORBIDDEN_DIRECTION_KEYWORD } from "./ajv.js";
import { originOf } from "./schema-transform.js";

export type ProblemCode =
  | "schema-violation"
  | "undocumented-status"
  | "undocumented-media-type"
  | "missing-content-type"
  | "body-not-json"
  | "direction-violation";

export interface Problem {
  code: ProblemCode;
  /** JSON pointer into the body ("" is the whole body). */
  instancePath: string;
  /** JSON pointer into the spec document, `#/...`. */
  schemaPath: string;
  /** The schema keyword that failed, for schema problems. */
  keyword?: string;
  expected: string;
  actual: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  direction: "request" | "response";
  operationId: string;
  method: string;
  pathTemplate: string;
  /** The HTTP status (responses only). */
  status?: number;
  /** The media type as received, parameters stripped (undefined when absent). */
  mediaType?: string;
  problems: Problem[];
}

export function problem(fields: Omit<Problem, "message">): Problem {
  const where = fields.instancePath === "" ? "body" : `body ${fields.instancePath}`;
  return { ...fields, message: `${where}: expected ${fields.expected}, got ${fields.actual} (${fields.schemaPath})` };
}

/**
 * Problems kept per body. A hostile body can carry hundreds of thousands of errors (a 1 MiB list of
 * invalid items); only the first ones are mapped, and one more problem counts the rest.
 */
export const MAX_PROBLEMS_PER_BODY = 50;

/** The first MAX_PROBLEMS_PER_BODY errors as problems, plus one that counts the others. */
export function problemsFromAjv(errors: readonly ErrorObject[], instance: unknown, schemaPath: string): Problem[] {
  const problems = errors.slice(0, MAX_PROBLEMS_PER_BODY).map((error) => fromAjvError(error, instance));
  const omitted = errors.length - problems.length;
  if (omitted > 0) {
    problems.push(
      problem({
        code: "schema-violation",
        instancePath: "",
        schemaPath,
        expected: "a body valid against the schema",
        actual: `${omitted} more problems (only the first ${MAX_PROBLEMS_PER_BODY} are listed)`,
      }),
    );
  }
  return problems;
}

/** Converts one Ajv error into a Problem, reading the offending value from the instance. */
export function fromAjvError(error: ErrorObject, instance: unknown): Problem {
  const value = valueAt(instance, error.instancePath);
  const { expected, actual, instancePath } = describe(error, value);
  const origin = originOf(error.parentSchema);
  const direction = error.keyword === FORBIDDEN_DIRECTION_KEYWORD;
  // The direction keyword is ours, not the spec's: point at the spec's `readOnly`/`writeOnly` flag.
  const specKeyword = direction ? String(error.schema) : error.keyword;
  return problem({
    code: direction ? "direction-violation" : "schema-violation",
    instancePath,
    schemaPath: origin === undefined ? error.schemaPath : `${origin}/${specKeyword}`,
    keyword: error.keyword,
    expected,
    actual,
  });
}

function describe(error: ErrorObject, value: unknown): { expected: string; actual: string; instancePath: string } {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    case "type":
      return {
        expected: `type ${String(params.type)}`,
        actual: value === null ? "null" : `${typeName(value)} ${preview(value)}`,
        instancePath: at,
      };
    case "required":
      return {
        expected: `property "${String(params.missingProperty)}"`,
        actual: "no such property",
        instancePath: `${at}/${escapePointer(String(params.missingProperty))}`,
      };
    case "enum":
      return { expected: `one of ${JSON.stringify(params.allowedValues)}`, actual: preview(value), instancePath: at };
    case "minLength":
    case "maxLength":
      return {
        expected: `${error.keyword === "minLength" ? "at least" : "at most"} ${String(params.limit)} characters (code points)`,
        actual: `${[...String(value)].length} code points ${preview(value)}`,
        instancePath: at,
      };
    case FORBIDDEN_DIRECTION_KEYWORD:
      return { expected: "property absent", actual: `present ${preview(value)}`, instancePath: at };
    default:
      return { expected: `${error.keyword} (${error.message ?? "schema rule"})`, actual: preview(value), instancePath: at };
  }
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A short JSON rendering of a value for messages: long strings and structures are cut. */
export function preview(value: unknown, limit = 60): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  const chars = [...text.slice(0, limit * 2 + 1)]; // a code point is at most 2 code units
  return chars.length > limit ? `${chars.slice(0, limit).join("")}…` : text;
}

/** RFC 6901 lookup; undefined when the pointer leads nowhere. */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
