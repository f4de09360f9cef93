/**
 * The organization as it was before the writes: every field of the GET answer (name, description,
 * status, referral_code, id and any extra property), kept whole so the restore can compare, and put
 * back, every field a run could change, not only the two it means to change.
 */
import { isDeepStrictEqual } from "node:util";
import { preview } from "../../validation/problems.js";
import type { SpecValidators } from "../../validation/validators.js";
import { documentedPart, type OrgFields, organizationFields } from "./org-fields.js";

export type OrgSnapshot = Record<string, unknown> & { name: string };

/** What reports and stderr show of a snapshot (an org never holds a token). */
export interface SnapshotSummary {
  name: string;
  description: string | null;
  status: unknown;
  referral_code: unknown;
}

export function summaryOf(snapshot: OrgSnapshot): SnapshotSummary {
  const description = typeof snapshot.description === "string" ? snapshot.description : null;
  return { name: snapshot.name, description, status: snapshot.status, referral_code: snapshot.referral_code };
}

/** The id a forged `id` asks the server to give the org: the restore looks for the org there too. */
export function forgedIdOf(id: unknown): string {
  return `${String(id)}-forged`;
}

/**
 * The read-only values the read-only probe sends. They must differ from the org's own, or a server
 * that wrongly applies them would go unnoticed; so each is one the restore can undo: it sends the
 * snapshot's status and referral_code back the same way, and finds an org moved to `forgedIdOf(id)`.
 */
export function forgedReadOnlyValues(org: { id?: unknown; status?: unknown }): { id: string; status: string; referral_code: string } {
  return { id: forgedIdOf(org.id), status: org.status === "archived" ? "active" : "archived", referral_code: "FORGED" };
}

/**
 * The PATCH that puts the writable fields (the update request's properties) back: a field the org did
 * not have is sent as "" (the docs: an empty description clears it; a name is always there).
 */
export function writableBody(snapshot: OrgSnapshot, fields: OrgFields): Record<string, unknown> {
  return Object.fromEntries(fields.writable.map((field) => [field, snapshot[field] ?? ""]));
}

/**
 * Why no write may start: the restore PATCH of this snapshot would break the request schema (a legacy
 * name of 141 characters, say), so the server would refuse to put the org back. Undefined when it is valid.
 */
export function unrestorableReason(snapshot: OrgSnapshot, validators: SpecValidators): string | undefined {
  const body = writableBody(snapshot, organizationFields(validators.spec));
  const result = validators.validateRequestBody({ operationId: "updateOrganization", body });
  if (result.valid) return undefined;
  const problems = result.problems.map((p) => p.message).join("; ");
  return `the organization's current name or description is not a valid update body (${problems}), so it could not be restored: nothing is written`;
}

/** One field that reads back differently from the snapshot. */
export interface Difference {
  field: string;
  was: unknown;
  now: unknown;
}

/** Every field that differs, both ways; a description cleared to "" equals an absent one. */
export function differences(snapshot: Record<string, unknown>, current: Record<string, unknown>): Difference[] {
  const fields = new Set([...Object.keys(snapshot), ...Object.keys(current)]);
  return [...fields]
    .filter((field) => !sameValue(field, snapshot[field], current[field]))
    .map((field) => ({ field, was: snapshot[field], now: current[field] }));
}

/** The differences in the fields the docs list; a server-managed field they do not list is not compared. */
export function documentedDifferences(
  snapshot: Record<string, unknown>,
  current: Record<string, unknown>,
  fields: OrgFields,
): Difference[] {
  return differences(documentedPart(snapshot, fields), documentedPart(current, fields));
}

export function sameValue(field: string, was: unknown, now: unknown): boolean {
  if (field === "description" && (was ?? "") === "" && (now ?? "") === "") return true;
  return isDeepStrictEqual(was, now);
}

/**
 * The restore PATCH: the writable fields, plus every other documented field the server shows changed,
 * sent back the same way it was (wrongly) applied. Never a field the docs do not list (a server-managed
 * `updated_at`). A field the org did not have cannot be removed by a PATCH; verification reports it.
 */
export function restoreBody(snapshot: OrgSnapshot, current: Record<string, unknown>, fields: OrgFields): Record<string, unknown> {
  const body = writableBody(snapshot, fields);
  for (const { field, was } of documentedDifferences(snapshot, current, fields)) {
    if (!(field in body) && was !== undefined) body[field] = was;
  }
  return body;
}

export function describeDifferences(found: Difference[]): string {
  const show = (value: unknown) => (value === undefined ? "absent" : preview(value, 80));
  return found.map((d) => `/${d.field} is ${show(d.now)} (was ${show(d.was)})`).join(", ");
}
