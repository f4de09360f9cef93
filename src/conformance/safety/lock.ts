/**
 * One writer per organization: a lock file per org records who writes (pid, host, start time) and at
 * which URL. A second run waits a bounded time for it, then stops with exit 2 naming the live run; a
 * run under another URL stops at once, naming both URLs, unless the user says they are one API. A lock
 * whose process is gone (same host, pid not alive, or a zombie not yet reaped) belongs to an
 * interrupted run: it is taken over, and the journal beside it says whether anything is left to restore.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, readFileSync, renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { makeDirs } from "../../config/make-dirs.js";
import { ToolError } from "../../errors.js";
import { createPrivateFile, readPrivateFile } from "./private-file.js";

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** The URL the run writes the org at (absent in the locks of earlier versions). */
  baseUrl?: string;
}

export interface LockRequest {
  orgId: string;
  /** The URL this run writes the org at, normalised (src/config/settings.ts). */
  baseUrl: string;
  /** How long to wait for a live holder (--lock-wait-ms). */
  waitMs: number;
  /** `--same-api`: a holder under another URL writes the same API, so it is waited for like any other. */
  sameApi?: boolean;
  /** Stops the wait (the run was interrupted while waiting). */
  signal?: AbortSignal;
}

export interface HeldLock {
  path: string;
  /** The run whose lock was left behind (its process is gone), when this one took it over. */
  tookOverFrom?: LockOwner;
  release(): void;
}

const POLL_MS = 100;
/**
 * How long a holder that is being killed (SIGKILL pending) is waited for, whatever --lock-wait-ms says:
 * `--restore` typed right after a kill must not find the dying run's lock and stop.
 */
export const EXITING_WAIT_MS = 5_000;

/** Takes the lock at `path`, waiting a bounded time for a live holder. */
export async function acquireLock(path: string, request: LockRequest): Promise<HeldLock> {
  const failed = makeDirs(dirname(path), 0o700);
  if (failed !== undefined) throw new ToolError("STATE_DIR_UNUSABLE", `cannot make the lock's directory: ${failed}`);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), baseUrl: request.baseUrl };
  let tookOverFrom: LockOwner | undefined;
  await waitForTurn(path, request, () => {
    for (;;) {
      if (createPrivateFile(path, `${JSON.stringify(me)}\n`)) return true;
      const holder = readOwner(path);
      if (holder === undefined || !isGone(holder) || !setAside(path, holder)) return false;
      tookOverFrom = holder;
    }
  });
  return heldLock(path, me, tookOverFrom);
}

/**
 * Waits, as `acquireLock` does, until no live run holds the lock at `path`, without taking it: a run
 * that writes nothing creates nothing, yet must not read an org half-way through another run's writes.
 */
export async function awaitNoWriter(path: string, request: LockRequest): Promise<void> {
  await waitForTurn(path, request, () => {
    if (!existsSync(path)) return true;
    const holder = readOwner(path);
    return holder !== undefined && isGone(holder);
  });
}

/** Calls `attempt` until it succeeds; a live holder is waited for (bounded), one under another URL stops it at once. */
async function waitForTurn(path: string, request: LockRequest, attempt: () => boolean): Promise<void> {
  const started = Date.now();
  let deadline = started + request.waitMs;
  for (;;) {
    if (attempt()) return;
    const holder = readOwner(path);
    if (holder?.baseUrl !== undefined && holder.baseUrl !== request.baseUrl && !request.sameApi) {
      throw otherUrlError(path, holder, request);
    }
    if (holder !== undefined && isExiting(holder)) deadline = Math.max(deadline, started + EXITING_WAIT_MS);
    if (Date.now() >= deadline) throw lockedError(path, holder, `${request.orgId} at ${request.baseUrl}`);
    if (request.signal?.aborted) throw new ToolError("TARGET_LOCKED", `interrupted while waiting for the lock ${path}`);
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

/**
 * The org is being written under another spelling of a URL, or another API: which one only the user
 * knows. Nothing is waited for, so the answer comes at once and names both.
 */
function otherUrlError(path: string, holder: LockOwner, request: LockRequest): ToolError {
  return new ToolError(
    "TARGET_LOCKED",
    `${request.orgId} is being written at ${holder.baseUrl} by the run of ${describeOwner(holder)} (lock ${path}), and this run targets ${request.baseUrl}: if both URLs reach one API, wait for that run (--same-api --lock-wait-ms N waits for it); if they are different APIs, give each its own --state-dir`,
  );
}

/** The owner recorded at `path`; undefined when there is none or it cannot be read (a lock being written). */
function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readPrivateFile(path) ?? "null") as Partial<LockOwner> | null;
    const valid =
      typeof owner?.pid === "number" &&
      typeof owner.host === "string" &&
      typeof owner.startedAt === "string" &&
      (owner.baseUrl === undefined || typeof owner.baseUrl === "string");
    return valid ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Only a lock of this host can be judged: another host's process cannot be asked whether it lives. A
 * zombie (killed, not yet reaped by its parent) still answers signal 0, yet will never write again.
 */
function isGone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0); // signal 0: no signal, only the question "does it exist"
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  const state = processState(owner.pid);
  return state === "Z" || state === "X";
}

/** A holder of this host with SIGKILL pending: it is being torn down, and will be gone in a moment. */
function isExiting(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  const SIGKILL_BIT = 1n << 8n; // signal 9 is bit 8 of the pending-signal masks
  return procText(`/proc/${owner.pid}/status`)
    .split("\n")
    .map((line) => /^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/.exec(line)?.[1])
    .some((mask) => mask !== undefined && (BigInt(`0x${mask}`) & SIGKILL_BIT) !== 0n);
}

/** Linux: the state letter of /proc/PID/stat (R, S, D, Z, ...); undefined elsewhere or when unreadable. */
function processState(pid: number): string | undefined {
  const stat = procText(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] || undefined;
}

function procText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // not Linux, or the process ended meanwhile
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
