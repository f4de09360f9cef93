/**
 * The mutation journal: before the first PATCH on a live org, its whole snapshot is written to a
 * file kept per org (the base URL it was written at recorded inside); at the end the org is restored
 * and checked, and the file removed. After a crash (kill -9) the file survives, and `--restore` puts
 * the org back from it. Every journal carries `journal: "tenant-api-conformance"`, so a file a user
 * names with `--journal` is recognised as one of ours, or left alone.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { makeDirs } from "../../config/make-dirs.js";
import { ToolError } from "../../errors.js";
import { createPrivateFile, NotPrivateFile, readPrivateFile } from "./private-file.js";
import type { OrgSnapshot } from "./snapshot.js";

/** The mark of a journal this suite wrote. */
export const JOURNAL_MARK = "tenant-api-conformance";

export interface JournalEntry {
  /** Absent in the journals of versions before the mark. */
  journal?: typeof JOURNAL_MARK;
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
  return {
    journal: JOURNAL_MARK,
    version: 2,
    baseUrl,
    orgId,
    snapshot,
    pid: process.pid,
    host: hostname(),
    writtenAt: new Date().toISOString(),
  };
}

/** Written atomically (a fresh private temp file, then rename) so a crash never leaves half a journal. */
export function writeJournal(path: string, entry: JournalEntry): void {
  const failed = makeDirs(dirname(path), 0o700); // bounded: a directory under /proc fails instead of hanging
  if (failed !== undefined) throw new ToolError("JOURNAL_INVALID", `cannot write the journal ${path}: ${failed}`);
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
    (entry.journal === undefined || entry.journal === JOURNAL_MARK) &&
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

/**
 * Refuses a `--journal FILE` that names something this suite did not write (notes, a .env, another
 * org's journal): the copy is written by replacing the file, and removed after the restore, so either
 * would destroy the user's file. A journal of ours for the same org (a killed run's copy) may be replaced.
 */
export function checkJournalCopy(path: string, orgId: string): void {
  // Its directory is made now, bounded, so a path that cannot hold it stops the run before any write.
  const failed = makeDirs(dirname(path), 0o700);
  if (failed !== undefined) throw new ToolError("JOURNAL_INVALID", `--journal ${path}: ${failed}`);
  let entry: JournalEntry | undefined;
  try {
    entry = readJournal(path);
  } catch (error) {
    const why = error instanceof ToolError ? error.message : String(error);
    throw new ToolError(
      "JOURNAL_INVALID",
      `--journal ${path}: a file is already there that this suite did not write (${why}); it is left as it is, name another file`,
    );
  }
  if (entry !== undefined && entry.orgId !== orgId) {
    throw new ToolError(
      "JOURNAL_INVALID",
      `--journal ${path} holds the journal of another organization (${entry.orgId}); it is left as it is, name another file`,
    );
  }
}
