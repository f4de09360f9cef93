/**
 * The mutation journal: before the first PATCH on a live org, its original name and description are
 * written to a file; at the end they are restored and checked, and the file removed. After a crash
 * (kill -9) the file survives, and `--restore` puts the org back from it.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { ToolError } from "../errors.js";
import type { HttpTransport } from "../http/transport.js";
import { readJsonFile } from "../json-file.js";
import type { Organization } from "../spec/types.js";
import { orgPath } from "./context.js";

export interface JournalEntry {
  version: 1;
  baseUrl: string;
  orgId: string;
  name: string;
  /** null: the org had no description (restored by sending "", which clears it). */
  description: string | null;
  writtenAt: string;
}

export function snapshotOf(baseUrl: string, org: Organization & { id: string; name: string }): JournalEntry {
  return { version: 1, baseUrl, orgId: org.id, name: org.name, description: org.description ?? null, writtenAt: new Date().toISOString() };
}

/** Written atomically (temp file + rename) so a crash never leaves half a journal. */
export function writeJournal(path: string, entry: JournalEntry): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

export function readJournal(path: string): JournalEntry | undefined {
  if (!existsSync(path)) return undefined;
  const entry = readJsonFile(path, "journal", { unreadable: "JOURNAL_INVALID", invalid: "JOURNAL_INVALID" });
  const e = entry as Partial<JournalEntry>;
  const valid = e.version === 1 && typeof e.baseUrl === "string" && typeof e.orgId === "string" && typeof e.name === "string";
  if (!valid || (e.description !== null && typeof e.description !== "string")) {
    throw new ToolError("JOURNAL_INVALID", `journal ${path} does not hold a conformance snapshot`);
  }
  return entry as JournalEntry;
}

export function removeJournal(path: string): void {
  rmSync(path, { force: true });
}

export interface RestoreOutcome {
  verified: boolean;
  message: string;
}

/** PATCHes the original name and description back, then GETs the org and compares. */
export async function restoreFromEntry(transport: HttpTransport, token: string, entry: JournalEntry): Promise<RestoreOutcome> {
  const authorization = `Bearer ${token}`;
  const body = JSON.stringify({ name: entry.name, description: entry.description ?? "" });
  const patched = await transport.send({ method: "PATCH", path: orgPath(entry.orgId), authorization, body });
  if (patched.status !== 200) {
    return { verified: false, message: `restore PATCH answered ${patched.status ?? patched.failure?.message ?? "nothing"}` };
  }
  const got = await transport.send({ method: "GET", path: orgPath(entry.orgId), authorization });
  const org = got.json as Organization | undefined;
  const description = org?.description === "" ? undefined : org?.description;
  const matches = got.status === 200 && org?.name === entry.name && isDeepStrictEqual(description, entry.description ?? undefined);
  return matches
    ? { verified: true, message: `restored ${entry.orgId} to its original name and description` }
    : { verified: false, message: `after restoring, ${entry.orgId} reads back differently (status ${got.status ?? "none"})` };
}
