/**
 * The property names an operation's schema documents, read from the spec (never a hand list): what a
 * PATCH may write (its request body) and what a GET shows (its 200 answer). Local `$ref`s are followed.
 * @see https://spec.openapis.org/oas/v3.0.3#reference-object
 */
import { isObject, type JsonObject } from "../spec/assemble.js";
import { documentedResponse, operation, type SpecDocument } from "../spec/document.js";
import { valueAt } from "./problems.js";

/** The properties of `operationId`'s JSON request body: the fields the API documents as writable. */
export function requestFields(spec: SpecDocument, operationId: string): string[] {
  return propertiesAt(spec, operation(spec, operationId).requestBody?.content.get("application/json"));
}

/** The properties of `operationId`'s JSON answer with `status`. */
export function responseFields(spec: SpecDocument, operationId: string, status: number): string[] {
  const response = documentedResponse(operation(spec, operationId), status);
  return propertiesAt(spec, response?.content.get("application/json"));
}

function propertiesAt(spec: SpecDocument, pointer: string | undefined): string[] {
  const schema = pointer === undefined ? undefined : resolve(spec.raw, pointer);
  return isObject(schema) && isObject(schema.properties) ? Object.keys(schema.properties) : [];
}

/** The value at a JSON pointer, through `$ref`s (at most 16, so a cycle ends). */
function resolve(document: JsonObject, pointer: string, depth = 0): unknown {
  const value = valueAt(document, pointer.replace(/^#/, ""));
  if (isObject(value) && typeof value.$ref === "string" && value.$ref.startsWith("#/") && depth < 16) {
    return resolve(document, value.$ref, depth + 1);
  }
  return value;
}
