/**
 * Putting the org back from its snapshot, and proving it: GET it (where a forged id may have moved
 * it, too), PATCH the original name and description plus every other field the server shows changed,
 * then GET it again and compare every field. The message says exactly what was, or was not, restored.
 */
import type { HttpTransport } from "../../http/transport.js";
import { orgPath } from "../context.js";
import type { JournalEntry } from "./journal.js";
import { describeDifferences, differences, forgedIdOf, restoreBody, type SnapshotSummary } from "./snapshot.js";

export interface RestoreOutcome {
  verified: boolean;
  message: string;
}

type Org = Record<string, unknown>;

/** The lines stderr carries when the org is not restored: what went wrong, what it was, how to put it back. */
export function notRestoredText(message: string, snapshot: SnapshotSummary, command: string | undefined): string {
  const lines = [`NOT RESTORED: ${message}`, `the organization before the writes: ${JSON.stringify(snapshot)}`];
  if (command) lines.push(`restore it with: ${command}`);
  return lines.map((line) => `conformance: ${line}\n`).join("");
}

export async function restoreOrg(transport: HttpTransport, token: string, entry: JournalEntry): Promise<RestoreOutcome> {
  const authorization = `Bearer ${token}`;
  const read = async (orgId: string) => {
    const got = await transport.send({ method: "GET", path: orgPath(orgId), authorization });
    const ok = got.status === 200 && typeof got.json === "object" && got.json !== null;
    return { status: got.status ?? got.failure?.message ?? "no answer", org: ok ? (got.json as Org) : undefined };
  };
  const { snapshot, orgId } = entry;
  const atOwnId = { ...(await read(orgId)), orgId };
  // A faulty server that applied the read-only probe's id moved the org to the forged id: look there too.
  const movedTo = forgedIdOf(snapshot.id ?? orgId);
  const found = atOwnId.org !== undefined ? atOwnId : { ...(await read(movedTo)), orgId: movedTo };
  if (found.org === undefined) {
    return { verified: false, message: `${orgId} could not be read before restoring it (GET answered ${atOwnId.status})` };
  }
  const body = restoreBody(snapshot, found.org);
  const patched = await transport.send({ method: "PATCH", path: orgPath(found.orgId), authorization, body: JSON.stringify(body) });
  if (patched.status !== 200) {
    return { verified: false, message: `restore PATCH of ${orgId} answered ${patched.status ?? patched.failure?.message ?? "nothing"}` };
  }
  const after = await read(orgId);
  if (after.org === undefined) {
    return { verified: false, message: `after restoring, ${orgId} could not be read back (GET answered ${after.status})` };
  }
  const left = differences(snapshot, after.org);
  if (left.length > 0) return { verified: false, message: `after restoring, ${orgId} still differs: ${describeDifferences(left)}` };
  const sent = Object.keys(body).join(", ");
  return { verified: true, message: `restored ${orgId} (sent ${sent}); every field reads back as in the snapshot` };
}
