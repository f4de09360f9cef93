/**
 * What a live run does before its first request to an org: take the org's lock in the host-wide state
 * directory (bounded wait, exit 2 naming a live run) and refuse while the org's journal still holds a
 * snapshot from an interrupted run. A run that writes keeps the lock until it has restored the org; a
 * read-only run lets go at once.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import type { Settings } from "../../config/settings.js";
import { ensureStateDir } from "../../config/state-dir.js";
import { ToolError } from "../../errors.js";
import type { Target } from "../target.js";
import { readJournal, removeJournal } from "./journal.js";
import { acquireLock, describeOwner, type LockOwner } from "./lock.js";
import { restoreCommand, targetFiles } from "./target-files.js";

export interface GuardOptions {
  stateDir: string;
  /** `--state-dir` as given, for the restore command. */
  stateDirFlag?: string;
  baseUrl: string;
  orgId: string;
  orgIdConfigured: boolean;
  /** `--journal FILE`: where a copy of the journal goes. */
  journalCopy?: string;
  lockWaitMs: number;
  /** Whether the run will write (and so keeps the lock). */
  writes: boolean;
}

export interface Guard {
  /** The per-target record in the state directory. */
  journalPath: string;
  journalCopy?: string;
  /** The command that restores the org if this run cannot. */
  restoreCommand: string;
  /** Lets go of the lock; the copy goes too once the record is gone (the org was restored). */
  release(): void;
}

export async function guardTarget(options: GuardOptions): Promise<Guard> {
  const files = targetFiles(ensureStateDir(options.stateDir), options.baseUrl, options.orgId);
  const command = restoreCommand(options.orgId, options);
  const lock = await acquireLock(files.lock, options.lockWaitMs, `${options.orgId} at ${options.baseUrl}`);
  try {
    refusePending(files.journal, command, lock.tookOverFrom);
    // A journal an older version left in the working directory is just as pending.
    if (existsSync(files.legacyJournal)) {
      refusePending(files.legacyJournal, restoreCommand(options.orgId, { ...options, journalFile: files.legacyJournal }), undefined);
    }
  } catch (error) {
    lock.release();
    throw error;
  }
  if (!options.writes) lock.release();
  const release = () => {
    if (options.journalCopy !== undefined && !existsSync(files.journal) && isOwnCopy(options.journalCopy)) {
      removeJournal(options.journalCopy);
    }
    lock.release();
  };
  return { journalPath: files.journal, journalCopy: options.journalCopy, restoreCommand: command, release };
}

function refusePending(path: string, command: string, tookOverFrom: LockOwner | undefined): void {
  const pending = readJournal(path);
  if (pending === undefined) return;
  const by = tookOverFrom ? ` (${describeOwner(tookOverFrom)})` : "";
  throw new ToolError(
    "JOURNAL_PENDING",
    `${path} holds the snapshot of ${pending.orgId} from an interrupted run${by}: restore it first with ${command}`,
  );
}

/** The copy this very process wrote: a file the user named that holds anything else is left alone. */
function isOwnCopy(path: string): boolean {
  try {
    const copy = readJournal(path);
    return copy !== undefined && copy.pid === process.pid && copy.host === hostname();
  } catch {
    return false;
  }
}

/** The guard of a live run against an org; the embedded provider and a run without an org need none. */
export function guardRun(settings: Settings, target: Target): Promise<Guard | undefined> {
  if (target.embedded || target.orgId === undefined) return Promise.resolve(undefined);
  return guardTarget({
    stateDir: settings.stateDir,
    stateDirFlag: settings.stateDirFlag,
    baseUrl: target.baseUrl,
    orgId: target.orgId,
    orgIdConfigured: settings.orgId !== undefined,
    journalCopy: settings.journalPath,
    lockWaitMs: settings.lockWaitMs,
    writes: target.writesDenied === undefined,
  });
}
