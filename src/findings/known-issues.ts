/**
 * Known issues: a committed JSON file of findings accepted for a while, each `{ fingerprint, reason,
 * until }`, validated against schemas/known-issues.schema.json. A matching finding is `known` and does
 * not fail the gate up to and including its `until` day (UTC); after that it fails with the entry's
 * reason; an entry that matches no finding of the run is `stale` (reported, never failing).
 */
import { readFileSync } from "node:fs";
import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { createAjv } from "../validation/ajv.js";

export interface KnownIssue {
  fingerprint: string;
  reason: string;
  /** ISO date (`2026-12-31`): the last day the finding is accepted. */
  until: string;
}

const SCHEMA_URL = new URL("../../schemas/known-issues.schema.json", import.meta.url);

let validate: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

export function loadKnownIssues(path: string): KnownIssue[] {
  const data = readJsonFile(path, "known-issues file", { unreadable: "KNOWN_ISSUES_INVALID", invalid: "KNOWN_ISSUES_INVALID" });
  return checkKnownIssues(data, path);
}

export function checkKnownIssues(data: unknown, path: string): KnownIssue[] {
  validate ??= createAjv().compile(JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as object);
  if (!validate(data)) {
    const first = validate.errors?.[0];
    const where = first?.instancePath || "/";
    throw new ToolError(
      "KNOWN_ISSUES_INVALID",
      `known-issues file ${path} does not match its schema: ${where} ${first?.message ?? "is invalid"}`,
    );
  }
  return data as KnownIssue[];
}

/** Active on its `until` day itself; expired from the next day on. `today` is a `YYYY-MM-DD` UTC date. */
export function isExpired(issue: KnownIssue, today: string): boolean {
  return issue.until < today;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
