/**
 * The mutation journal: before the first PATCH on a live org, its whole snapshot is written to a
 * file kept per target (base URL + org id); at the end the org is restored and checked, and the file
 * removed. After a crash (kill -9) the file survives, and `--restore` puts the org back from it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { ToolError } from "../../errors.js";
import { createPrivateFile, NotPrivateFile, readPrivateFile } from "./private-file.js";
import type { OrgSnapshot } from "./snapshot.js";

export interface JournalEntry {
  version: 2;
  baseUrl: string;
  /** The id in the request path (the snapshot holds the body as the server answered it). */
  orgId: string;
  snapshot: OrgSnapshot;
  /** Who wrote it, for the messages of a later `--restore`. */
  pid: number;
  host: string;
  writtenAt: string;
}

export function journalEntry(baseUrl: string, orgId: string, snapshot: OrgSnapshot): JournalEntry {
  return { version: 2, baseUrl, orgId, snapshot, pid: process.pid, host: hostname(), writtenAt: new Date().toISOString() };
}

/** Written atomically (a fresh private temp file, then rename) so a crash never leaves half a journal. */
export function writeJournal(path: string, entry: JournalEntry): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  if (!createPrivateFile(temp, `${JSON.stringify(entry, null, 2)}\n`)) {
    throw new ToolError("JOURNAL_INVALID", `cannot create the journal's temporary file ${temp}: something is already there`);
  }
  try {
    renameSync(temp, path); // replaces a link at `path` itself, never the file it points to
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function readJournal(path: string): JournalEntry | undefined {
  let text: string | undefined;
  try {
    text = readPrivateFile(path);
  } catch (error) {
    if (error instanceof NotPrivateFile) {
      throw new ToolError("JOURNAL_INVALID", `journal ${path} was not written by this suite (${error.message}); nothing was sent`);
    }
    throw new ToolError("JOURNAL_INVALID", `cannot read journal ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  if (text === undefined) return undefined;
  let entry: Partial<JournalEntry>;
  try {
    entry = JSON.parse(text) as Partial<JournalEntry>;
  } catch (error) {
    throw new ToolError("JOURNAL_INVALID", `journal ${path} is not valid JSON (${(error as Error).message})`);
  }
  const snapshot = entry.snapshot as Partial<OrgSnapshot> | undefined;
  const valid =
    entry.version === 2 &&
    typeof entry.baseUrl === "string" &&
    typeof entry.orgId === "string" &&
    typeof snapshot === "object" &&
    snapshot !== null &&
    typeof snapshot.name === "string";
  if (!valid) throw new ToolError("JOURNAL_INVALID", `journal ${path} does not hold a conformance snapshot`);
  return entry as JournalEntry;
}

export function removeJournal(path: string): void {
  rmSync(path, { force: true });
}
