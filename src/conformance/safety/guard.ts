/**
 * What a live run does before its first write to an org: take the org's lock in the host-wide state
 * directory (bounded wait, exit 2 naming a live run) and refuse while the org's journal still holds a
 * snapshot from an interrupted run. A run that writes keeps the lock until it has restored the org. A
 * run that writes nothing (--read-only, no leave to write) creates nothing, so it never needs the state
 * directory: where there is one, it still waits out a live writer and refuses a pending journal, reading only.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { isDirectory } from "../../config/make-dirs.js";
import type { Settings } from "../../config/settings.js";
import { ensureStateDir } from "../../config/state-dir.js";
import { ToolError } from "../../errors.js";
import type { Target } from "../target.js";
import { checkJournalCopy, readJournal, removeJournal } from "./journal.js";
import { acquireLock, awaitNoWriter, describeOwner, type LockOwner, type LockRequest } from "./lock.js";
import { restoreCommand, type TargetFiles, targetFiles } from "./target-files.js";

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
  /** `--same-api`: a lock under another URL names the same API, so it is waited for like any other. */
  sameApi?: boolean;
  /** Whether the run will write (and so keeps the lock). */
  writes: boolean;
  /** Stops a wait for the lock (the run was interrupted). */
  signal?: AbortSignal;
  /** The run's working directory, when it is not the process's (`runConformance({ cwd })`). */
  workDir?: string;
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
  const files = targetFiles(ensureStateDir(options.stateDir), options.baseUrl, options.orgId, options.workDir);
  const command = restoreCommand(options.orgId, options);
  // Before the lock: a file of the user's at --journal stops the run before anything is written.
  if (options.journalCopy !== undefined) checkJournalCopy(options.journalCopy, options.orgId);
  const lock = await acquireLock(files.lock, lockRequest(options));
  try {
    refuseAnyPending(files, options, lock.tookOverFrom);
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

/**
 * The checks of a run that writes nothing, made without creating anything: no state directory (or
 * one that cannot be read) holds no lock and no journal, so there is nothing to wait for or refuse.
 */
export async function checkBeforeReading(options: GuardOptions): Promise<void> {
  if (!isDirectory(options.stateDir)) return;
  const files = targetFiles(options.stateDir, options.baseUrl, options.orgId, options.workDir);
  await awaitNoWriter(files.lock, lockRequest(options));
  refuseAnyPending(files, options, undefined);
}

function lockRequest(options: GuardOptions): LockRequest {
  return {
    orgId: options.orgId,
    baseUrl: options.baseUrl,
    waitMs: options.lockWaitMs,
    sameApi: options.sameApi,
    signal: options.signal,
  };
}

/** The record, the record as versions keyed by URL text kept it, and a journal left in the checkout. */
function refuseAnyPending(files: TargetFiles, options: GuardOptions, tookOverFrom: LockOwner | undefined): void {
  refusePending(files.journal, options, undefined, tookOverFrom);
  refusePending(files.urlKeyedJournal, options, undefined, tookOverFrom);
  // A journal an older version left in the working directory is just as pending.
  if (existsSync(files.legacyJournal)) refusePending(files.legacyJournal, options, files.legacyJournal, undefined);
}

function refusePending(path: string, options: GuardOptions, journalFile: string | undefined, tookOverFrom: LockOwner | undefined): void {
  const pending = readJournal(path);
  if (pending === undefined) return;
  const by = tookOverFrom ? ` (${describeOwner(tookOverFrom)})` : "";
  const at = pending.baseUrl === options.baseUrl ? "" : ` at ${pending.baseUrl}`;
  const what = `${path} holds the snapshot of ${pending.orgId}${at} from an interrupted run${by}`;
  if (at === "") {
    const command = restoreCommand(options.orgId, { ...options, journalFile });
    throw new ToolError("JOURNAL_PENDING", `${what}: restore it first with ${command}`);
  }
  // Written under another URL: the same org of one API under another spelling, or another API.
  const there = restoreCommand(options.orgId, { ...options, journalFile, journalUrl: pending.baseUrl });
  const here = restoreCommand(options.orgId, { ...options, journalFile, sameApi: true });
  throw new ToolError(
    "JOURNAL_PENDING",
    `${what}, and this run targets ${options.baseUrl}: restore it first, with ${there}, or, if both URLs reach one API, with ${here}; if they are different APIs, give each its own --state-dir`,
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

/**
 * The guard of a live run that writes; a run that writes nothing is checked without one, and the
 * embedded provider and a run without an org need neither.
 */
export async function guardRun(settings: Settings, target: Target, signal?: AbortSignal): Promise<Guard | undefined> {
  if (target.embedded || target.orgId === undefined) return undefined;
  const options: GuardOptions = {
    stateDir: settings.stateDir,
    stateDirFlag: settings.stateDirFlag,
    baseUrl: target.baseUrl,
    orgId: target.orgId,
    orgIdConfigured: settings.orgId !== undefined,
    journalCopy: settings.journalPath,
    lockWaitMs: settings.lockWaitMs,
    sameApi: settings.sameApi,
    writes: target.writesDenied === undefined,
    signal,
    workDir: settings.workDir,
  };
  if (options.writes) return guardTarget(options);
  await checkBeforeReading(options);
  return undefined;
}
