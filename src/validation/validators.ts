/**
 * Validators for every (operation, status, media type) response and every request body of the spec,
 * compiled lazily, once, on the project's single Ajv instance. Results are data (see problems.ts).
 */

import type { Ajv } from "ajv";
import contentType from "content-type";
import { isObject } from "../spec/assemble.js";
import { documentedResponse, loadSpec, type OperationSpec, operation, type SpecDocument } from "../spec/document.js";
import { createAjv, type ValidateFunction } from "./ajv.js";
import { fromAjvError, type Problem, problem, type ValidationResult } from "./problems.js";
import { buildRegistry, type Direction, transformSchema } from "./schema-transform.js";

export interface ResponseInput {
  operationId: string;
  status: number;
  /** The Content-Type header as received (parameters allowed), undefined when absent. */
  contentType: string | undefined;
  /** The parsed JSON body. */
  body: unknown;
}

export interface RequestInput {
  operationId: string;
  contentType?: string;
  body: unknown;
}

const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

export class SpecValidators {
  readonly spec: SpecDocument;
  private readonly ajv: Ajv = createAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(spec: SpecDocument) {
    this.spec = spec;
    const components = isObject(spec.raw.components) ? spec.raw.components.schemas : undefined;
    for (const direction of ["request", "response"] as const) this.ajv.addSchema(buildRegistry(components, direction));
  }

  validateResponse(input: ResponseInput): ValidationResult {
    const op = operation(this.spec, input.operationId);
    const base = { direction: "response" as const, ...identify(op), status: input.status };
    const response = documentedResponse(op, input.status);
    if (!response) {
      const documented = [...op.responses.keys()].join(", ");
      return fail(
        base,
        undefined,
        problem({
          code: "undocumented-status",
          instancePath: "",
          schemaPath: `#${op.pointer}/responses`,
          expected: `one of ${documented}`,
          actual: String(input.status),
        }),
      );
    }
    const pointerBase = `${op.pointer}/responses/${response.status}`;
    return this.validateContent(
      base,
      response.content,
      `#${pointerBase}/content`,
      input.contentType,
      input.body,
      `response ${response.status}`,
    );
  }

  validateRequestBody(input: RequestInput): ValidationResult {
    const op = operation(this.spec, input.operationId);
    const base = { direction: "request" as const, ...identify(op) };
    const content = op.requestBody?.content ?? new Map<string, string | undefined>();
    return this.validateContent(
      base,
      content,
      `#${op.pointer}/requestBody/content`,
      input.contentType ?? "application/json",
      input.body,
      "request",
    );
  }

  /** Compiles every validator now (start-up work for a long run; the bench measures it). */
  compileAll(): number {
    for (const op of this.spec.operations.values()) {
      for (const response of op.responses.values()) {
        for (const pointer of response.content.values()) if (pointer) this.validatorAt("response", pointer);
      }
      for (const pointer of op.requestBody?.content.values() ?? []) if (pointer) this.validatorAt("request", pointer);
    }
    return this.compiled.size;
  }

  private validateContent(
    base: Omit<ValidationResult, "valid" | "problems" | "mediaType">,
    content: Map<string, string | undefined>,
    contentPointer: string,
    header: string | undefined,
    body: unknown,
    what: string,
  ): ValidationResult {
    if (content.size === 0) return { ...base, valid: true, problems: NO_PROBLEMS as Problem[] };
    const documented = [...content.keys()].join(", ");
    const mediaType = essence(header);
    if (mediaType === undefined) {
      return fail(
        base,
        undefined,
        problem({
          code: "missing-content-type",
          instancePath: "",
          schemaPath: contentPointer,
          expected: `Content-Type ${documented}`,
          actual: header === undefined ? "no Content-Type" : JSON.stringify(header),
        }),
      );
    }
    const documentedType = matchMediaType(content, mediaType);
    if (documentedType === undefined) {
      return fail(
        base,
        mediaType,
        problem({
          code: "undocumented-media-type",
          instancePath: "",
          schemaPath: contentPointer,
          expected: `${what} media type ${documented}`,
          actual: mediaType,
        }),
      );
    }
    const schemaPointer = content.get(documentedType);
    if (!schemaPointer) return { ...base, mediaType, valid: true, problems: NO_PROBLEMS as Problem[] };
    const validate = this.validatorAt(base.direction, schemaPointer);
    if (validate(body)) return { ...base, mediaType, valid: true, problems: NO_PROBLEMS as Problem[] };
    const problems = (validate.errors ?? []).map((error) => fromAjvError(error, body));
    return { ...base, mediaType, valid: false, problems };
  }

  private validatorAt(direction: Direction, schemaPointer: string): ValidateFunction {
    const key = `${direction} ${schemaPointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const schema = transformSchema(schemaAt(this.spec, schemaPointer), direction, `#${schemaPointer}`);
      validate = this.ajv.compile(schema as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function identify(op: OperationSpec): Pick<ValidationResult, "operationId" | "method" | "pathTemplate"> {
  return { operationId: op.operationId, method: op.method, pathTemplate: op.pathTemplate };
}

function fail(
  base: Omit<ValidationResult, "valid" | "problems" | "mediaType">,
  mediaType: string | undefined,
  found: Problem,
): ValidationResult {
  return { ...base, mediaType, valid: false, problems: [found] };
}

/** The media type without parameters, lowercased; undefined when absent or unparseable. */
export function essence(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return contentType.parse(header).type;
  } catch {
    return undefined;
  }
}

/** Exact media type first, then `type/*`, then `*\/*`. @see https://spec.openapis.org/oas/v3.0.3#fixed-fields-10 */
function matchMediaType(content: Map<string, string | undefined>, mediaType: string): string | undefined {
  const lowered = new Map([...content.keys()].map((key) => [key.toLowerCase(), key]));
  const [type] = mediaType.split("/");
  return lowered.get(mediaType) ?? lowered.get(`${type}/*`) ?? lowered.get("*/*");
}

function schemaAt(spec: SpecDocument, pointer: string): unknown {
  let current: unknown = spec.raw;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    current = isObject(current) ? current[key] : undefined;
  }
  return current;
}

let shared: SpecValidators | undefined;

/** The process-wide validators for the committed spec: loaded and set up once. */
export function specValidators(): SpecValidators {
  shared ??= new SpecValidators(loadSpec());
  return shared;
}
