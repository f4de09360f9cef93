/**
 * Putting the org back from its snapshot, and proving it: GET it (where a forged id may have moved
 * it, too), PATCH the original writable fields plus every other documented field the server shows
 * changed, then GET it again and compare every documented field. The message says exactly what was,
 * or was not, restored.
 *
 * On a real deployment three more things can go wrong, and each is "not restored" (exit 3), never
 * RESTORED: a PATCH that timed out may land later (the restore waits for it, and reads once more
 * after); somebody else may have written (a value no request of this run explains is left as it is);
 * and the org may not read back exactly (a body that is not UTF-8). Values are compared and written
 * raw (rawJson); only the message is shown, redacted.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type Exchange, type HttpTransport, rawJson } from "../../http/transport.js";
import { loadSpec } from "../../spec/document.js";
import { orgPath } from "../context.js";
import type { TargetHistory } from "./history.js";
import type { JournalEntry } from "./journal.js";
import { type OrgFields, organizationFields } from "./org-fields.js";
import { patience, patientPatch, patientSend, rereadForLag } from "./patience.js";
import {
  type Difference,
  describeDifferences,
  differences,
  documentedDifferences,
  forgedIdOf,
  restoreBody,
  type SnapshotSummary,
} from "./snapshot.js";

export interface RestoreOutcome {
  verified: boolean;
  message: string;
  /**
   * Set when all this run changed in the target is back but the outcome still is not RESTORED (another
   * org is damaged, or another writer's values were left as they are): the journal goes, since `--restore`
   * cannot help and would overwrite the other writer's values.
   */
  targetRestored?: boolean;
}

export interface RestoreOptions {
  /** The documented and writable fields (default: from the spec in spec/). */
  fields?: OrgFields;
  /** Cleans the message of secrets: it quotes raw values, which may hold a piece of a token. */
  redact?: (text: string) => string;
  /** What this run's requests sent and saw: a value outside it was written by somebody else. */
  history?: TargetHistory;
  /** How long a PATCH without an answer may still be in the server's hands (the transport's deadline). */
  settleMs?: number;
  /** How long the restore resends through 429s and gateway pages (default RESTORE_PATIENCE_MS). */
  patienceMs?: number;
}

type Org = Record<string, unknown>;

/** The lines stderr carries when the org is not restored: what went wrong, what it was, how to put it back. */
export function notRestoredText(message: string, snapshot: SnapshotSummary, command: string | undefined): string {
  const lines = [`NOT RESTORED: ${message}`, `the organization before the writes: ${JSON.stringify(snapshot)}`];
  if (command) lines.push(`restore it with: ${command}`);
  return lines.map((line) => `conformance: ${line}\n`).join("");
}

export async function restoreOrg(
  transport: HttpTransport,
  token: string,
  entry: JournalEntry,
  options: RestoreOptions = {},
): Promise<RestoreOutcome> {
  const redact = options.redact ?? ((text: string) => text);
  const outcome = await restore(transport, token, entry, { ...options, fields: options.fields ?? organizationFields(loadSpec()) });
  return { ...outcome, message: redact(outcome.message) };
}

type Read = { org: Org; exact: boolean } | { org: undefined; status: string };

async function restore(
  transport: HttpTransport,
  token: string,
  entry: JournalEntry,
  options: RestoreOptions & { fields: OrgFields },
): Promise<RestoreOutcome> {
  const { fields, history } = options;
  const authorization = `Bearer ${token}`;
  const within = patience(options.patienceMs);
  const read = async (orgId: string): Promise<Read> => {
    const got = await patientSend(transport, { method: "GET", path: orgPath(orgId), authorization }, within);
    const org = got.status === 200 ? rawJson(got) : undefined;
    if (typeof org !== "object" || org === null) return { org: undefined, status: answerOf(got) };
    return { org: org as Org, exact: got.encodingError === undefined };
  };
  const { snapshot, orgId } = entry;
  const waited = await settle(history, options.settleMs);
  const atOwnId = { ...(await read(orgId)), orgId };
  // A faulty server that applied the read-only probe's id moved the org to the forged id: look there too.
  const movedTo = forgedIdOf(snapshot.id ?? orgId);
  const found = atOwnId.org !== undefined ? atOwnId : { ...(await read(movedTo)), orgId: movedTo };
  if (found.org === undefined) {
    return { verified: false, message: `${orgId} could not be read before restoring it (GET answered ${statusOf(atOwnId)})` };
  }
  // Another writer's values stay: overwriting them would lose their work; the person running the gate decides.
  // A body that is not UTF-8 cannot be compared exactly: the snapshot (exact, or no write had started) goes back whole.
  const foreign = found.exact ? (history?.otherWriter(snapshot, found.org) ?? []) : [];
  const body = withoutFields(restoreBody(snapshot, found.org, fields), foreign);
  const isBack = (got: Read) => verify(orgId, snapshot, got, fields, foreign).left === undefined;
  // No needless PATCH (behind a rate limiter it may be refused): not when the org already reads as the
  // snapshot, unless this run's last applied write showed it otherwise (then the read may lag: PATCH anyway).
  const needed = found.orgId !== orgId || !isBack({ ...found }) || history?.lastWriteDiffers(snapshot) === true;
  let sent = "sent nothing: it already read as the snapshot";
  if (needed && Object.keys(body).length > 0) {
    const request = { method: "PATCH" as const, path: orgPath(found.orgId), authorization, body: JSON.stringify(body) };
    const patched = await patientPatch(transport, request, within, async () => isBack(await read(orgId)));
    if (patched.landed === undefined && patched.exchange.status !== 200) {
      return { verified: false, message: `restore PATCH of ${orgId} answered ${answerOf(patched.exchange)}` };
    }
    sent = `sent ${Object.keys(body).join(", ")}`;
  }
  // A replica behind the primary may read the old value for a moment: re-read (bounded) before judging.
  const after = await rereadForLag(() => read(orgId), isBack);
  const checked = verify(orgId, snapshot, after, fields, foreign);
  if (foreign.length > 0) {
    return { verified: false, message: anotherWriter(orgId, foreign, checked, sent), ...(checked.left ? {} : { targetRestored: true }) };
  }
  if (checked.left !== undefined) return { verified: false, message: checked.left };
  if (waited === undefined) return { verified: true, message: restored(orgId, sent, checked.unlisted) };
  // The write that got no answer may land later still: one more read, one deadline on.
  await sleep(waited);
  const later = verify(orgId, snapshot, await rereadForLag(() => read(orgId), isBack), fields, []);
  if (later.left !== undefined) {
    return {
      verified: false,
      message: `a PATCH that got no answer from the API may have landed after the restore: ${later.left}; the organization may still change: read it later and restore it again`,
    };
  }
  const note = `${history?.unanswered} PATCH(es) got no answer from the API (none, or a gateway's 502/503/504), so the restore waited ${waited} ms for them to land before restoring and again before reading it a last time`;
  return { verified: true, message: `${restored(orgId, sent, checked.unlisted)}; ${note}` };
}

/** What an exchange got, for a message: its status (and who answered it, when not the API), or why none came. */
export function answerOf(exchange: Exchange): string {
  if (exchange.infrastructure !== undefined)
    return `${exchange.status ?? "nothing"} (${exchange.infrastructure.reason}, until the restore's patience ran out)`;
  return String(exchange.status ?? exchange.failure?.message ?? "nothing");
}

/** Waits one deadline after the last PATCH that got no answer; returns how long a wait is, or undefined when none got lost. */
async function settle(history: TargetHistory | undefined, settleMs: number | undefined): Promise<number | undefined> {
  if (history?.lastUnansweredAt === undefined || settleMs === undefined) return undefined;
  const left = history.lastUnansweredAt + settleMs - performance.now();
  if (left > 0) await sleep(left);
  return settleMs;
}

/** What still differs from the snapshot in the documented fields (other than `skip`), and which unlisted fields changed. */
function verify(orgId: string, snapshot: Org, after: Read, fields: OrgFields, skip: Difference[]): { left?: string; unlisted: string[] } {
  if (after.org === undefined)
    return { left: `after restoring, ${orgId} could not be read back (GET answered ${after.status})`, unlisted: [] };
  if (!after.exact) return { left: `after restoring, ${orgId} could not be read back exactly (its body is not valid UTF-8)`, unlisted: [] };
  const left = documentedDifferences(snapshot, after.org, fields).filter((d) => !skip.some((s) => s.field === d.field));
  const unlisted = differences(snapshot, after.org)
    .map((d) => d.field)
    .filter((field) => !fields.documented.includes(field));
  return { ...(left.length > 0 ? { left: `after restoring, ${orgId} still differs: ${describeDifferences(left)}` } : {}), unlisted };
}

function restored(orgId: string, sent: string, unlisted: string[]): string {
  const other = unlisted.length > 0 ? ` (${unlisted.join(", ")} changed too: not in the docs, so server-managed and not compared)` : "";
  return `restored ${orgId} (${sent}); every documented field reads back as in the snapshot${other}`;
}

function anotherWriter(orgId: string, foreign: Difference[], checked: { left?: string }, sent: string): string {
  const rest = checked.left ?? `every other documented field reads back as in the snapshot (${sent})`;
  return (
    `another writer changed ${orgId} during the run: ${describeDifferences(foreign)}, a value no request of this run sent or saw. ` +
    `It was left as it is, not overwritten; ${rest}. Findings about this organization may be that writer's doing, not the API's: ` +
    "ask who else writes to it, compare it with the snapshot below, and run the gate again when it is quiet"
  );
}

function withoutFields(body: Org, skip: Difference[]): Org {
  return Object.fromEntries(Object.entries(body).filter(([field]) => !skip.some((d) => d.field === field)));
}

function statusOf(read: Read): string {
  return read.org === undefined ? read.status : "200";
}
