import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { escapePointer, isObject, type JsonObject } from "./assemble.js";
import { SPEC_PATH } from "./paths.js";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface ResponseSpec {
  /** Status as written in the spec: "200", "4XX" or "default". */
  status: string;
  /** Media type -> JSON pointer of its schema inside the document (undefined when no schema). */
  content: Map<string, string | undefined>;
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  pathTemplate: string;
  /** JSON pointer of the operation object, e.g. `/paths/~1api~1v1~1orgs/get`. */
  pointer: string;
  responses: Map<string, ResponseSpec>;
  requestBody?: { required: boolean; content: Map<string, string | undefined> };
  /** Names of the security schemes the operation accepts (empty: no auth). */
  security: string[];
}

export interface SpecDocument {
  raw: JsonObject;
  operations: Map<string, OperationSpec>;
}

export function loadSpec(path: string = SPEC_PATH): SpecDocument {
  return indexSpec(readJsonFile(path, "spec", { unreadable: "SPEC_UNREADABLE", invalid: "SPEC_INVALID_JSON" }), path);
}

export function indexSpec(raw: unknown, origin = "spec"): SpecDocument {
  if (!isObject(raw) || typeof raw.openapi !== "string" || !raw.openapi.startsWith("3.0.") || !isObject(raw.paths)) {
    throw new ToolError("SPEC_INVALID_JSON", `${origin} is not an OpenAPI 3.0 document (needs "openapi": "3.0.x" and "paths")`);
  }
  const globalSecurity = securityNames(raw.security);
  const operations = new Map<string, OperationSpec>();
  for (const [pathTemplate, pathItem] of Object.entries(raw.paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const pointer = `/paths/${escapePointer(pathTemplate)}/${method}`;
      const operationId = typeof operation.operationId === "string" ? operation.operationId : `${method.toUpperCase()} ${pathTemplate}`;
      operations.set(operationId, {
        operationId,
        method: method.toUpperCase() as HttpMethod,
        pathTemplate,
        pointer,
        responses: indexResponses(operation.responses, `${pointer}/responses`),
        requestBody: indexRequestBody(operation.requestBody, `${pointer}/requestBody`),
        security: operation.security === undefined ? globalSecurity : securityNames(operation.security),
      });
    }
  }
  return { raw, operations };
}

function indexResponses(responses: unknown, pointer: string): Map<string, ResponseSpec> {
  const result = new Map<string, ResponseSpec>();
  if (!isObject(responses)) return result;
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    result.set(status, { status, content: indexContent(response.content, `${pointer}/${escapePointer(status)}/content`) });
  }
  return result;
}

function indexRequestBody(body: unknown, pointer: string): OperationSpec["requestBody"] {
  if (!isObject(body)) return undefined;
  return { required: body.required === true, content: indexContent(body.content, `${pointer}/content`) };
}

function indexContent(content: unknown, pointer: string): Map<string, string | undefined> {
  const result = new Map<string, string | undefined>();
  if (!isObject(content)) return result;
  for (const [mediaType, media] of Object.entries(content)) {
    const hasSchema = isObject(media) && media.schema !== undefined;
    result.set(mediaType, hasSchema ? `${pointer}/${escapePointer(mediaType)}/schema` : undefined);
  }
  return result;
}

function securityNames(security: unknown): string[] {
  if (!Array.isArray(security)) return [];
  return security.flatMap((requirement) => (isObject(requirement) ? Object.keys(requirement) : []));
}

/** Looks up an operation; an unknown id is a tool error, never a silent skip. */
export function operation(spec: SpecDocument, operationId: string): OperationSpec {
  const found = spec.operations.get(operationId);
  if (!found) throw new ToolError("SPEC_UNKNOWN_OPERATION", `operation ${operationId} is not in the spec`);
  return found;
}

/**
 * The response entry documenting `status`: the exact code first, then its range (`4XX`), then
 * `default`. @see https://spec.openapis.org/oas/v3.0.3#responses-object
 */
export function documentedResponse(op: OperationSpec, status: number): ResponseSpec | undefined {
  return op.responses.get(String(status)) ?? op.responses.get(`${String(status)[0]}XX`) ?? op.responses.get("default");
}

/** Documented numeric statuses, sorted; ranges and `default` are not enumerable. */
export function documentedStatuses(op: OperationSpec): number[] {
  return [...op.responses.keys()]
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number)
    .sort((a, b) => a - b);
}
