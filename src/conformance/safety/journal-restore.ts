/**
 * `--restore`: putting the org back from a journal file, which a later process reads from disk. The
 * in-run restore (restore.ts) also sends back read-only fields a faulty server changed, with values the
 * run itself knows; a journal on disk is not held to that, so this restore sends only the fields the
 * spec documents as writable (the update request's properties), checks them against the request schema
 * before sending anything, and says so when a read-only field still differs.
 */
import { ToolError } from "../../errors.js";
import { type HttpTransport, rawJson } from "../../http/transport.js";
import type { SpecValidators } from "../../validation/validators.js";
import { orgPath } from "../context.js";
import type { JournalEntry } from "./journal.js";
import { organizationFields } from "./org-fields.js";
import type { RestoreOutcome } from "./restore.js";
import { describeDifferences, documentedDifferences, writableBody } from "./snapshot.js";

export async function restoreFromJournal(
  transport: HttpTransport,
  token: string,
  entry: JournalEntry,
  validators: SpecValidators,
): Promise<RestoreOutcome> {
  const fields = organizationFields(validators.spec);
  const { writable } = fields;
  const body = writableBody(entry.snapshot, fields);
  const valid = validators.validateRequestBody({ operationId: "updateOrganization", body });
  if (!valid.valid) {
    const problems = valid.problems.map((p) => p.message).join("; ");
    throw new ToolError("JOURNAL_INVALID", `the journal's snapshot is not a valid update body (${problems}); nothing was sent`);
  }
  const authorization = `Bearer ${token}`;
  const path = orgPath(entry.orgId);
  const read = async () => {
    const got = await transport.send({ method: "GET", path, authorization });
    // The raw body: the snapshot is raw, and a redacted read would differ wherever a token's piece occurs.
    const org = got.status === 200 ? rawJson(got) : undefined;
    const ok = typeof org === "object" && org !== null && !Array.isArray(org);
    return { status: got.status ?? got.failure?.message ?? "no answer", org: ok ? (org as Record<string, unknown>) : undefined };
  };
  const before = await read();
  if (before.org === undefined) {
    return { verified: false, message: `${entry.orgId} could not be read before restoring it (GET answered ${before.status})` };
  }
  const patched = await transport.send({ method: "PATCH", path, authorization, body: JSON.stringify(body) });
  if (patched.status !== 200) {
    return {
      verified: false,
      message: `restore PATCH of ${entry.orgId} answered ${patched.status ?? patched.failure?.message ?? "nothing"}`,
    };
  }
  const after = await read();
  if (after.org === undefined) {
    return { verified: false, message: `after restoring, ${entry.orgId} could not be read back (GET answered ${after.status})` };
  }
  // Only documented fields are compared: a server-managed field the docs do not list (updated_at) changes on every PATCH.
  const left = documentedDifferences(entry.snapshot, after.org, fields);
  if (left.length > 0) {
    const readOnly = left.some((d) => !writable.includes(d.field));
    const why = readOnly ? `; --restore sends only the fields the API documents as writable (${writable.join(", ")})` : "";
    return { verified: false, message: `after restoring, ${entry.orgId} still differs: ${describeDifferences(left)}${why}` };
  }
  const sent = Object.keys(body).join(", ");
  return { verified: true, message: `restored ${entry.orgId} (sent ${sent}); every documented field reads back as in the snapshot` };
}
