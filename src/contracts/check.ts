/**
 * The bi-directional check: does a pact only promise what the spec allows? Offline, per HTTP
 * interaction: the method and path are an operation of the spec, the status is documented, the
 * response's content type and body conform, a 2xx request body conforms, and the request carries
 * bearer auth where the operation requires it. Problems are Findings, the live suite's shape.
 */

import { type Finding, finding, findingsFromValidation } from "../findings/finding.js";
import { isObject } from "../spec/assemble.js";
import type { OperationSpec, SpecDocument } from "../spec/document.js";
import { routeOf } from "../spec/routes.js";
import type { SpecValidators } from "../validation/validators.js";
import type { PactDocument, PactHttpInteraction } from "./pact-model.js";

/** A finding and the interaction it is about. */
export interface PactFinding {
  interaction: string;
  finding: Finding;
}

const BEARER = /^Bearer \S+$/i;

export function checkPact(pact: PactDocument, validators: SpecValidators): PactFinding[] {
  const basePath = serverBasePath(validators.spec);
  return pact.interactions.flatMap((interaction) =>
    checkInteraction(interaction, validators, basePath).map((f) => ({ interaction: interaction.description, finding: f })),
  );
}

export function checkInteraction(interaction: PactHttpInteraction, validators: SpecValidators, basePath = ""): Finding[] {
  const path = stripBasePath(interaction.path, basePath);
  const resolved = resolveOperation(validators.spec, interaction.method, path);
  if ("finding" in resolved) return [resolved.finding];
  const op = resolved.operation;
  return [...checkAuth(interaction, op), ...checkResponse(interaction, op, validators), ...checkRequestBody(interaction, op, validators)];
}

type Resolution = { operation: OperationSpec } | { finding: Finding };

/** The operation for method + path; a path the spec lacks, or a method it lacks there, is a finding. */
export function resolveOperation(spec: SpecDocument, method: string, path: string): Resolution {
  const route = routeOf(spec, method, path);
  if (route !== undefined && "operation" in route) return { operation: route.operation };
  if (route === undefined) {
    const templates = [...new Set([...spec.operations.values()].map((op) => op.pathTemplate))].join(", ");
    return {
      finding: finding({
        code: "unknown-path",
        operationId: "none",
        method,
        pathTemplate: path,
        pointer: "",
        schemaPath: "#/paths",
        expected: `a path of the spec (${templates})`,
        actual: path,
      }),
    };
  }
  return {
    finding: finding({
      code: "unknown-method",
      operationId: "none",
      method,
      pathTemplate: route.pathTemplate,
      pointer: "",
      expected: `one of ${route.allowed.join(", ")} on ${route.pathTemplate}`,
      actual: method,
    }),
  };
}

function checkAuth(interaction: PactHttpInteraction, op: OperationSpec): Finding[] {
  // A 401 interaction is about the missing or wrong credential, so it may lack one by design.
  if (op.security.length === 0 || interaction.status === 401) return [];
  const header = interaction.requestHeaders.get("authorization");
  if (header !== undefined && BEARER.test(header)) return [];
  return [
    finding({
      ...identify(op),
      code: "missing-bearer-auth",
      status: interaction.status,
      pointer: "",
      schemaPath: `#${op.pointer}/security`,
      expected: `Authorization: Bearer <token> (${op.security.join(", ")})`,
      actual: header === undefined ? "no Authorization header" : `Authorization ${JSON.stringify(redact(header))}`,
    }),
  ];
}

function checkResponse(interaction: PactHttpInteraction, op: OperationSpec, validators: SpecValidators): Finding[] {
  const body = interaction.responseBody;
  if (body?.notJson !== undefined) return [notJson(op, interaction.status, "response", body.notJson)];
  const result = validators.validateResponse({
    operationId: op.operationId,
    status: interaction.status,
    contentType: body?.contentType ?? interaction.responseHeaders.get("content-type"),
    body: body?.value,
  });
  return findingsFromValidation(result, "response-schema");
}

function checkRequestBody(interaction: PactHttpInteraction, op: OperationSpec, validators: SpecValidators): Finding[] {
  // Only a 2xx says "the provider accepts this body"; 4xx interactions send bad bodies on purpose.
  if (interaction.status < 200 || interaction.status > 299 || op.requestBody === undefined) return [];
  const body = interaction.requestBody;
  if (body === undefined) {
    if (!op.requestBody.required) return [];
    return [
      finding({
        ...identify(op),
        code: "request-body-missing",
        status: interaction.status,
        pointer: "",
        schemaPath: `#${op.pointer}/requestBody/required`,
        expected: "a request body",
        actual: "none",
      }),
    ];
  }
  if (body.notJson !== undefined) return [notJson(op, interaction.status, "request", body.notJson)];
  const result = validators.validateRequestBody({
    operationId: op.operationId,
    contentType: body.contentType ?? interaction.requestHeaders.get("content-type"),
    body: body.value,
  });
  return findingsFromValidation({ ...result, status: interaction.status }, "request-schema");
}

function notJson(op: OperationSpec, status: number, what: string, reason: string): Finding {
  return finding({
    ...identify(op),
    code: "body-not-json",
    status,
    pointer: "",
    expected: `a JSON ${what} body`,
    actual: `unparseable (${reason})`,
  });
}

function identify(op: OperationSpec): Pick<Finding, "operationId" | "method" | "pathTemplate"> {
  return { operationId: op.operationId, method: op.method, pathTemplate: op.pathTemplate };
}

/** The path of the first server URL (`/tenant`): pacts may be written with or without it. */
export function serverBasePath(spec: SpecDocument): string {
  const servers = spec.raw.servers;
  const first = Array.isArray(servers) && isObject(servers[0]) ? servers[0].url : undefined;
  if (typeof first !== "string") return "";
  try {
    return new URL(first, "http://server").pathname.replace(/\/+$/, "");
  } catch {
    return "";
  }
}

function stripBasePath(path: string, basePath: string): string {
  const pathname = path.split("?")[0] ?? path;
  return basePath && (pathname === basePath || pathname.startsWith(`${basePath}/`)) ? pathname.slice(basePath.length) || "/" : pathname;
}

/** Findings are printed; a credential in a pact must not be echoed in full. */
function redact(header: string): string {
  return header.length > 12 ? `${header.slice(0, 12)}…` : header;
}
