/**
 * Validators for every (operation, status, media type) response and every request body of the spec,
 * compiled lazily, once, on the project's single Ajv instance. Results are data (see problems.ts).
 */

import type { Ajv } from "ajv";
import contentType from "content-type";
import { escapePointer, isObject } from "../spec/assemble.js";
import { documentedResponse, loadSpec, type OperationSpec, operation, type SpecDocument } from "../spec/document.js";
import { createAjv, type ValidateFunction } from "./ajv.js";
import { type Problem, problem, problemsFromAjv, type ValidationResult } from "./problems.js";
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

/** Header strings remembered per instance; a run sees a handful, a hostile target could send many. */
const MEDIA_TYPE_CACHE_LIMIT = 256;

/**
 * Everything about one documented body (an operation's response for one status, or its request
 * body) that does not depend on the message, worked out on first use: the valid path is then a few
 * map lookups, one result object and the compiled Ajv function.
 */
interface ContentPlan {
  direction: Direction;
  operationId: string;
  method: string;
  pathTemplate: string;
  content: Map<string, string | undefined>;
  /** `#/paths/…/content`, the spec location of media type problems. */
  pointer: string;
  /** The documented media types, for messages. */
  documented: string;
  /** Lowercased media type -> the key as written in the spec. */
  lowered: Map<string, string>;
  /** Received media type (essence) -> its validator; null when documented without a schema. */
  validators: Map<string, ValidateFunction | null>;
  what: string;
}

export class SpecValidators {
  readonly spec: SpecDocument;
  private readonly ajv: Ajv = createAjv();
  private readonly compiled: Record<Direction, Map<string, ValidateFunction>> = { request: new Map(), response: new Map() };
  /** operationId -> received status -> plan (documented statuses only). */
  private readonly responsePlans = new Map<string, Map<number, ContentPlan>>();
  /** operationId -> plan of its request body. */
  private readonly requestPlans = new Map<string, ContentPlan>();
  /** Content-Type header as received -> its essence (undefined: unparseable). */
  private readonly mediaTypes = new Map<string, string | undefined>();

  constructor(spec: SpecDocument) {
    this.spec = spec;
    const components = isObject(spec.raw.components) ? spec.raw.components.schemas : undefined;
    for (const direction of ["request", "response"] as const) this.ajv.addSchema(buildRegistry(components, direction));
  }

  validateResponse(input: ResponseInput): ValidationResult {
    const plan = this.responsePlans.get(input.operationId)?.get(input.status) ?? this.responsePlan(input.operationId, input.status);
    if (plan === undefined) return undocumentedStatus(operation(this.spec, input.operationId), input.status);
    const result: ValidationResult = {
      direction: "response",
      operationId: plan.operationId,
      method: plan.method,
      pathTemplate: plan.pathTemplate,
      status: input.status,
      mediaType: undefined,
      valid: true,
      problems: NO_PROBLEMS as Problem[],
    };
    return this.validateContent(result, plan, input.contentType, input.body);
  }

  validateRequestBody(input: RequestInput): ValidationResult {
    const plan = this.requestPlans.get(input.operationId) ?? this.requestPlan(input.operationId);
    const result: ValidationResult = {
      direction: "request",
      operationId: plan.operationId,
      method: plan.method,
      pathTemplate: plan.pathTemplate,
      mediaType: undefined,
      valid: true,
      problems: NO_PROBLEMS as Problem[],
    };
    return this.validateContent(result, plan, input.contentType ?? "application/json", input.body);
  }

  /** Compiles every validator now (start-up work for a long run; the bench measures it). */
  compileAll(): number {
    for (const op of this.spec.operations.values()) {
      for (const response of op.responses.values()) {
        for (const pointer of response.content.values()) if (pointer) this.validatorAt("response", pointer);
      }
      for (const pointer of op.requestBody?.content.values() ?? []) if (pointer) this.validatorAt("request", pointer);
    }
    return this.compiled.request.size + this.compiled.response.size;
  }

  /** The plan for a status of an operation; undefined when the status is not documented. */
  private responsePlan(operationId: string, status: number): ContentPlan | undefined {
    const op = operation(this.spec, operationId);
    const response = documentedResponse(op, status);
    if (!response) return undefined;
    const plan = makePlan(
      "response",
      op,
      response.content,
      `#${op.pointer}/responses/${escapePointer(response.status)}/content`,
      `response ${response.status}`,
    );
    let byStatus = this.responsePlans.get(operationId);
    if (!byStatus) {
      byStatus = new Map();
      this.responsePlans.set(operationId, byStatus);
    }
    byStatus.set(status, plan);
    return plan;
  }

  private requestPlan(operationId: string): ContentPlan {
    const op = operation(this.spec, operationId);
    const content = op.requestBody?.content ?? new Map<string, string | undefined>();
    const plan = makePlan("request", op, content, `#${op.pointer}/requestBody/content`, "request");
    this.requestPlans.set(operationId, plan);
    return plan;
  }

  /**
   * Completes `result` (a fresh object the caller made with every field, valid until shown otherwise).
   * Filling it in place rather than returning `{ ...base, ... }`: on Node 20 a spread followed by
   * more properties takes a slow path that cost more than the whole Ajv validation (see the bench).
   */
  private validateContent(result: ValidationResult, plan: ContentPlan, header: string | undefined, body: unknown): ValidationResult {
    if (plan.content.size === 0) return result;
    const mediaType = this.essence(header);
    if (mediaType === undefined) {
      return fail(
        result,
        undefined,
        problem({
          code: "missing-content-type",
          instancePath: "",
          schemaPath: plan.pointer,
          expected: `Content-Type ${plan.documented}`,
          actual: header === undefined ? "no Content-Type" : JSON.stringify(header),
        }),
      );
    }
    const validate = plan.validators.get(mediaType) ?? this.validatorFor(plan, mediaType);
    if (validate === undefined) {
      return fail(
        result,
        mediaType,
        problem({
          code: "undocumented-media-type",
          instancePath: "",
          schemaPath: plan.pointer,
          expected: `${plan.what} media type ${plan.documented}`,
          actual: mediaType,
        }),
      );
    }
    result.mediaType = mediaType;
    if (validate === null || validate(body)) return result;
    result.valid = false;
    result.problems = problemsFromAjv(validate.errors ?? [], body, plan.pointer);
    validate.errors = null; // a hostile body's errors (hundreds of thousands) are not kept until the next call
    return result;
  }

  /** The validator for a received media type: null without a schema, undefined when undocumented. */
  private validatorFor(plan: ContentPlan, mediaType: string): ValidateFunction | null | undefined {
    const documentedType = matchMediaType(plan.lowered, mediaType);
    if (documentedType === undefined) return undefined;
    const schemaPointer = plan.content.get(documentedType);
    const validate = schemaPointer ? this.validatorAt(plan.direction, schemaPointer) : null;
    // Bounded like the header cache: a `*/*` entry would otherwise remember every type ever received.
    if (plan.validators.size < MEDIA_TYPE_CACHE_LIMIT) plan.validators.set(mediaType, validate);
    return validate;
  }

  /** `essence`, remembered per header string (bounded: cleared when it grows past the limit). */
  private essence(header: string | undefined): string | undefined {
    if (header === undefined) return undefined;
    const cached = this.mediaTypes.get(header);
    if (cached !== undefined || this.mediaTypes.has(header)) return cached;
    if (this.mediaTypes.size >= MEDIA_TYPE_CACHE_LIMIT) this.mediaTypes.clear();
    const parsed = essence(header);
    this.mediaTypes.set(header, parsed);
    return parsed;
  }

  private validatorAt(direction: Direction, schemaPointer: string): ValidateFunction {
    const compiled = this.compiled[direction];
    let validate = compiled.get(schemaPointer);
    if (!validate) {
      const components = isObject(this.spec.raw.components) ? this.spec.raw.components.schemas : undefined;
      const schema = transformSchema(schemaAt(this.spec, schemaPointer), direction, `#${schemaPointer}`, components);
      validate = this.ajv.compile(schema as object);
      compiled.set(schemaPointer, validate);
    }
    return validate;
  }
}

function makePlan(
  direction: Direction,
  op: OperationSpec,
  content: Map<string, string | undefined>,
  pointer: string,
  what: string,
): ContentPlan {
  const keys = [...content.keys()];
  return {
    direction,
    operationId: op.operationId,
    method: op.method,
    pathTemplate: op.pathTemplate,
    content,
    pointer,
    documented: keys.join(", "),
    lowered: new Map(keys.map((key) => [key.toLowerCase(), key])),
    validators: new Map(),
    what,
  };
}

function undocumentedStatus(op: OperationSpec, status: number): ValidationResult {
  const result: ValidationResult = {
    direction: "response",
    operationId: op.operationId,
    method: op.method,
    pathTemplate: op.pathTemplate,
    status,
    mediaType: undefined,
    valid: true,
    problems: NO_PROBLEMS as Problem[],
  };
  const documented = [...op.responses.keys()].join(", ");
  return fail(
    result,
    undefined,
    problem({
      code: "undocumented-status",
      instancePath: "",
      schemaPath: `#${op.pointer}/responses`,
      expected: `one of ${documented}`,
      actual: String(status),
    }),
  );
}

function fail(result: ValidationResult, mediaType: string | undefined, found: Problem): ValidationResult {
  result.mediaType = mediaType;
  result.valid = false;
  result.problems = [found];
  return result;
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
function matchMediaType(lowered: Map<string, string>, mediaType: string): string | undefined {
  const exact = lowered.get(mediaType);
  if (exact !== undefined) return exact;
  return lowered.get(`${mediaType.slice(0, mediaType.indexOf("/"))}/*`) ?? lowered.get("*/*");
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
