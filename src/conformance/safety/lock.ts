/**
 * One writer per organization: a lock file per target records who writes (pid, host, start time).
 * A second run waits a bounded time for it, then stops with exit 2 naming the live run. A lock whose
 * process is gone (same host, pid not alive) belongs to an interrupted run: it is taken over, and the
 * journal beside it says whether anything is left to restore.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { ToolError } from "../../errors.js";
import { createPrivateFile, readPrivateFile } from "./private-file.js";

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export interface HeldLock {
  path: string;
  /** The run whose lock was left behind (its process is gone), when this one took it over. */
  tookOverFrom?: LockOwner;
  release(): void;
}

const POLL_MS = 100;

/** Takes the lock at `path`, waiting at most `waitMs` for a live holder; `what` names the target in messages. */
export async function acquireLock(path: string, waitMs: number, what: string): Promise<HeldLock> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  let tookOverFrom: LockOwner | undefined;
  for (;;) {
    if (createPrivateFile(path, `${JSON.stringify(me)}\n`)) return heldLock(path, me, tookOverFrom);
    const holder = readOwner(path);
    if (holder !== undefined && isGone(holder) && setAside(path, holder)) {
      tookOverFrom = holder;
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(path, holder, what);
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

export function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}`;
}

function heldLock(path: string, me: LockOwner, tookOverFrom: LockOwner | undefined): HeldLock {
  return {
    path,
    tookOverFrom,
    // Removes the lock only while it is still this run's: never another run's lock.
    release: () => {
      if (isDeepStrictEqual(readOwner(path), me)) rmSync(path, { force: true });
    },
  };
}

function lockedError(path: string, holder: LockOwner | undefined, what: string): ToolError {
  const who = holder === undefined ? "a run whose lock file cannot be read" : `the run of ${describeOwner(holder)}`;
  return new ToolError(
    "TARGET_LOCKED",
    `${what} is being written by ${who} (lock ${path}); wait for it, pass --lock-wait-ms, or delete the lock if that run is gone`,
  );
}

/** The owner recorded at `path`; undefined when there is none or it cannot be read (a lock being written). */
function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readPrivateFile(path) ?? "null") as Partial<LockOwner> | null;
    const valid = typeof owner?.pid === "number" && typeof owner.host === "string" && typeof owner.startedAt === "string";
    return valid ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Only a lock of this host can be judged: another host's process cannot be asked whether it lives. */
function isGone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0); // signal 0: no signal, only the question "does it exist"
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Moves a dead run's lock out of the way. Two runs may judge the same stale lock at once: the file is
 * renamed aside first and checked; if it was by then another run's fresh lock, it is linked back
 * (link never replaces an existing file).
 */
function setAside(path: string, stale: LockOwner): boolean {
  const aside = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else moved it first
  }
  const moved = readOwner(aside);
  if (!isDeepStrictEqual(moved, stale)) {
    try {
      linkSync(aside, path);
    } catch {
      // a newer lock is already there
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}
