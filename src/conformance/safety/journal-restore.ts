/**
 * `--restore`: putting the org back from a journal file, which a later process reads from disk. The
 * in-run restore (restore.ts) also sends back read-only fields a faulty server changed, with values the
 * run itself knows; a journal on disk is not held to that, so this restore sends only the fields the
 * spec documents as writable (the update request's properties), checks them against the request schema
 * before sending anything, and says so when a read-only field still differs.
 */
import { ToolError } from "../../errors.js";
import { type HttpTransport, rawJson } from "../../http/transport.js";
import { preview } from "../../validation/problems.js";
import type { SpecValidators } from "../../validation/validators.js";
import { orgPath } from "../context.js";
import type { JournalEntry } from "./journal.js";
import { organizationFields } from "./org-fields.js";
import { patience, patientPatch, patientSend, rereadForLag } from "./patience.js";
import { answerOf, type RestoreOutcome } from "./restore.js";
import { type Difference, describeDifferences, documentedDifferences, writableBody } from "./snapshot.js";

export interface JournalRestoreOptions {
  /** How long reads and the PATCH are resent through 429s and gateway pages (default RESTORE_PATIENCE_MS). */
  patienceMs?: number;
  /**
   * `--accept-current`: send nothing; accept the org as it reads now and say what differs from the
   * snapshot. The way out when the API now stores a snapshot value differently (trims, normalises it),
   * which no PATCH can put back, so the journal would otherwise stop every later run.
   */
  acceptCurrent?: boolean;
}

export interface JournalRestoreOutcome extends RestoreOutcome {
  /** Set by `--accept-current`: the org was accepted as it reads, not restored; the journal may go. */
  accepted?: boolean;
}

export async function restoreFromJournal(
  transport: HttpTransport,
  token: string,
  entry: JournalEntry,
  validators: SpecValidators,
  options: JournalRestoreOptions = {},
): Promise<JournalRestoreOutcome> {
  const fields = organizationFields(validators.spec);
  const { writable } = fields;
  const body = writableBody(entry.snapshot, fields);
  const valid = validators.validateRequestBody({ operationId: "updateOrganization", body });
  if (!valid.valid && options.acceptCurrent !== true) {
    const problems = valid.problems.map((p) => p.message).join("; ");
    throw new ToolError("JOURNAL_INVALID", `the journal's snapshot is not a valid update body (${problems}); nothing was sent`);
  }
  const authorization = `Bearer ${token}`;
  const path = orgPath(entry.orgId);
  const within = patience(options.patienceMs);
  const read = async () => {
    const got = await patientSend(transport, { method: "GET", path, authorization }, within);
    // The raw body: the snapshot is raw, and a redacted read would differ wherever a token's piece occurs.
    const org = got.status === 200 ? rawJson(got) : undefined;
    const ok = typeof org === "object" && org !== null && !Array.isArray(org);
    return { status: answerOf(got), org: ok ? (org as Record<string, unknown>) : undefined };
  };
  const differing = (org: Record<string, unknown> | undefined) => (org ? documentedDifferences(entry.snapshot, org, fields) : []);
  const before = await read();
  if (before.org === undefined) {
    return { verified: false, message: `${entry.orgId} could not be read before restoring it (GET answered ${before.status})` };
  }
  if (options.acceptCurrent === true) return accepted(entry.orgId, differing(before.org));
  // No PATCH when no writable field differs: it could only be refused (a rate limiter) or change nothing.
  let sent = "sent nothing: every writable field already read as in the snapshot";
  if (differing(before.org).some((d) => writable.includes(d.field))) {
    const request = { method: "PATCH" as const, path, authorization, body: JSON.stringify(body) };
    const writableBack = async () => !differing((await read()).org).some((d) => writable.includes(d.field));
    const patched = await patientPatch(transport, request, within, writableBack);
    if (patched.landed === undefined && patched.exchange.status !== 200) {
      return { verified: false, message: `restore PATCH of ${entry.orgId} answered ${answerOf(patched.exchange)}` };
    }
    sent = `sent ${Object.keys(body).join(", ")}`;
  }
  // A replica behind the primary may read the old value for a moment: re-read (bounded) before judging.
  const after = await rereadForLag(read, (got) => got.org !== undefined && differing(got.org).length === 0);
  if (after.org === undefined) {
    return { verified: false, message: `after restoring, ${entry.orgId} could not be read back (GET answered ${after.status})` };
  }
  // Only documented fields are compared: a server-managed field the docs do not list (updated_at) changes on every PATCH.
  const left = differing(after.org);
  if (left.length > 0) {
    const readOnly = left.some((d) => !writable.includes(d.field));
    const why = readOnly ? `; --restore sends only the fields the API documents as writable (${writable.join(", ")})` : "";
    return {
      verified: false,
      message: `after restoring, ${entry.orgId} still differs: ${describeDifferences(left)} (${expectedVersusRead(left)})${why}`,
    };
  }
  return { verified: true, message: `restored ${entry.orgId} (${sent}); every documented field reads back as in the snapshot` };
}

/** `--accept-current`: what the org is accepted with, field by field. */
function accepted(orgId: string, left: Difference[]): JournalRestoreOutcome {
  const how = left.length === 0 ? "it reads as in the snapshot" : `accepted as it reads: ${expectedVersusRead(left)}`;
  return { verified: true, accepted: true, message: `${orgId} was not restored but accepted as it now reads (${how}); nothing was sent` };
}

/** `/name: expected "Acme " (the snapshot), read "Acme"`, per field. */
export function expectedVersusRead(left: Difference[]): string {
  const show = (value: unknown) => (value === undefined ? "absent" : preview(value, 80));
  return left.map((d) => `/${d.field}: expected ${show(d.was)} (the snapshot), read ${show(d.now)}`).join(", ");
}
