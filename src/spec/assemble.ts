/**
 * Assembles one OpenAPI document from the docs pages. Each page carries, per operation, a complete
 * OpenAPI document in a ```json fenced block; the pieces are merged without any fix or addition.
 * Two fragments that define the same thing differently are a conflict, never silently resolved.
 */
import { isDeepStrictEqual } from "node:util";
import { ToolError } from "../errors.js";

export type JsonObject = { [key: string]: unknown };

export interface Fragment {
  /** Where the fragment came from, for error messages: `page.md#block-2`. */
  origin: string;
  document: JsonObject;
}

const JSON_FENCE = /^```json[^\n]*\n([\s\S]*?)^```/gm;

/** Every ```json block of a markdown page, parsed. Invalid JSON is a ToolError naming the block. */
export function extractFragments(markdown: string, pageName: string): Fragment[] {
  const fragments: Fragment[] = [];
  let index = 0;
  for (const match of markdown.matchAll(JSON_FENCE)) {
    index += 1;
    const origin = `${pageName}#block-${index}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(match[1] ?? "");
    } catch (error) {
      throw new ToolError("SPEC_INVALID_JSON", `${origin} is not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(parsed)) throw new ToolError("SPEC_INVALID_JSON", `${origin} is not a JSON object`);
    fragments.push({ origin, document: parsed });
  }
  return fragments;
}

/**
 * Merges fragments. Objects merge key by key (first-seen key order kept, so the output is stable);
 * arrays of named things (tags) and of servers merge by identity; any other differing value is a
 * conflict that names the JSON pointer and both origins.
 */
export function assembleDocument(fragments: readonly Fragment[]): JsonObject {
  if (fragments.length === 0) {
    throw new ToolError("SPEC_NO_FRAGMENTS", "no ```json fragments found in the given pages");
  }
  const owners = new Map<string, string>();
  let merged: JsonObject = {};
  for (const fragment of fragments) {
    merged = mergeValue(merged, fragment.document, "", fragment.origin, owners) as JsonObject;
  }
  return merged;
}

function mergeValue(current: unknown, incoming: unknown, pointer: string, origin: string, owners: Map<string, string>): unknown {
  if (current === undefined) {
    owners.set(pointer, origin);
    return incoming;
  }
  if (isObject(current) && isObject(incoming)) {
    const result: JsonObject = { ...current };
    for (const [key, value] of Object.entries(incoming)) {
      result[key] = mergeValue(current[key], value, `${pointer}/${escapePointer(key)}`, origin, owners);
    }
    return result;
  }
  if (Array.isArray(current) && Array.isArray(incoming) && isMergeableList(pointer)) {
    return mergeList(current, incoming, pointer, origin, owners);
  }
  if (isDeepStrictEqual(current, incoming)) return current;
  throw conflict(pointer, ownerOf(pointer, owners), origin);
}

/**
 * The fragment that brought the value at `pointer`. Owners are recorded where a subtree was first
 * inserted (often `/components`), so the nearest recorded ancestor is the one that defined it.
 */
function ownerOf(pointer: string, owners: Map<string, string>): string {
  for (let at = pointer; ; at = at.slice(0, at.lastIndexOf("/"))) {
    const owner = owners.get(at);
    if (owner !== undefined) return owner;
    if (at === "") return "an earlier fragment";
  }
}

/** Top-level lists whose entries are independent definitions (merged), not one value (compared). */
function isMergeableList(pointer: string): boolean {
  return pointer === "/tags" || pointer === "/servers";
}

function mergeList(current: unknown[], incoming: unknown[], pointer: string, origin: string, owners: Map<string, string>): unknown[] {
  const result = [...current];
  for (const entry of incoming) {
    const key = listKey(entry);
    const existing = result.findIndex((candidate) => listKey(candidate) === key);
    if (existing === -1) {
      result.push(entry);
    } else if (!isDeepStrictEqual(result[existing], entry)) {
      throw conflict(`${pointer}/${existing}`, ownerOf(pointer, owners), origin);
    }
  }
  return result;
}

function listKey(entry: unknown): string {
  if (isObject(entry) && typeof entry.name === "string") return `name:${entry.name}`;
  if (isObject(entry) && typeof entry.url === "string") return `url:${entry.url}`;
  return JSON.stringify(entry);
}

function conflict(pointer: string, first: string, second: string): ToolError {
  return new ToolError("SPEC_CONFLICT", `${second} defines ${pointer || "/"} differently from ${first}`);
}

export function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The committed file's exact text: two-space JSON and a trailing newline. */
export function serializeDocument(document: JsonObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
