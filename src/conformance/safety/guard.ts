/**
 * What a live run does before its first request to an org: take the org's lock (bounded wait, exit 2
 * naming a live run) and refuse while the org's journal still holds a snapshot from an interrupted
 * run. A run that writes keeps the lock until it has restored the org; a read-only run lets go at once.
 */
import type { Settings } from "../../config/settings.js";
import { ToolError } from "../../errors.js";
import type { Target } from "../target.js";
import { readJournal } from "./journal.js";
import { acquireLock, describeOwner } from "./lock.js";
import { restoreCommand, targetFiles } from "./target-files.js";

export interface GuardOptions {
  baseUrl: string;
  orgId: string;
  orgIdConfigured: boolean;
  journalOverride?: string;
  lockWaitMs: number;
  /** Whether the run will write (and so keeps the lock). */
  writes: boolean;
}

export interface Guard {
  journalPath: string;
  /** The command that restores the org if this run cannot. */
  restoreCommand: string;
  release(): void;
}

export async function guardTarget(options: GuardOptions): Promise<Guard> {
  const files = targetFiles(options.baseUrl, options.orgId, options.journalOverride);
  const command = restoreCommand(options.orgId, options.orgIdConfigured, options.journalOverride);
  const lock = await acquireLock(files.lock, options.lockWaitMs, `${options.orgId} at ${options.baseUrl}`);
  try {
    const pending = readJournal(files.journal);
    if (pending !== undefined) {
      const by = lock.tookOverFrom ? ` (${describeOwner(lock.tookOverFrom)})` : "";
      throw new ToolError(
        "JOURNAL_PENDING",
        `${files.journal} holds the snapshot of ${pending.orgId} from an interrupted run${by}: restore it first with ${command}`,
      );
    }
  } catch (error) {
    lock.release();
    throw error;
  }
  if (!options.writes) lock.release();
  return { journalPath: files.journal, restoreCommand: command, release: lock.release };
}

/** The guard of a live run against an org; the embedded provider and a run without an org need none. */
export function guardRun(settings: Settings, target: Target): Promise<Guard | undefined> {
  if (target.embedded || target.orgId === undefined) return Promise.resolve(undefined);
  return guardTarget({
    baseUrl: target.baseUrl,
    orgId: target.orgId,
    orgIdConfigured: settings.orgId !== undefined,
    journalOverride: settings.journalPath,
    lockWaitMs: settings.lockWaitMs,
    writes: target.writesDenied === undefined,
  });
}
