/**
 * --history FILE: one JSON line per run, appended (JSON Lines), so a scheduled job that keeps the file
 * between runs can show trends: when, against what, with which suite commit, the counts, the
 * fingerprints of the findings, and p50/p95 latency per operation.
 */
import { execFileSync } from "node:child_process";
import { accessSync, appendFileSync, closeSync, constants, existsSync, openSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunResult } from "../conformance/runner.js";
import { ToolError } from "../errors.js";
import { createAjv } from "../validation/ajv.js";
import type { Triage } from "./triage.js";
import type { VerdictWord } from "./verdict.js";

export interface HistoryEntry {
  time: string;
  target: { baseUrl: string; embedded: boolean };
  /** The suite's git commit (undefined outside a checkout). */
  commit?: string;
  /** The run's verdict, or OUTAGE: the run could not be made (exit 2), and `outage` says why. */
  verdict: VerdictWord | typeof OUTAGE;
  outage?: { cause: string };
  counts: {
    pass: number;
    fail: number;
    skip: number;
    error: number;
    findings: number;
    new: number;
    unchanged: number;
    known: number;
    fixed: number;
  };
  fingerprints: string[];
  latency: Record<string, { p50Ms: number; p95Ms: number }>;
}

/** The verdict word of a night whose run could not be made (its cause in `outage.cause`). */
export const OUTAGE = "OUTAGE";

const SCHEMA_URL = new URL("../../schemas/history-entry.schema.json", import.meta.url);

let validate: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

/**
 * Reads every run recorded so far; a line that is not a run (schemas/history-entry.schema.json) is
 * bad input (exit 2), named by its number. Checked before the first request: the report draws its
 * trends from these fields, so a line without `counts` must not crash it after the writes.
 */
export function readHistory(path: string): HistoryEntry[] {
  if (!existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ToolError("HISTORY_INVALID", `cannot read history ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  validate ??= createAjv().compile(JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as object);
  const check = validate;
  return text.split("\n").flatMap((line, index) => {
    if (line.trim() === "") return [];
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new ToolError("HISTORY_INVALID", `history ${path} line ${index + 1} is not a run record (one JSON object per line)`);
    }
    if (check(entry)) return [entry as HistoryEntry];
    const first = check.errors?.[0];
    const problem = `${first?.instancePath || "/"} ${first?.message ?? "is invalid"}`;
    throw new ToolError("HISTORY_INVALID", `history ${path} line ${index + 1} is not a run record: ${problem}`);
  });
}

/**
 * The history is appended after the run; a path that cannot take it (its directory does not exist,
 * it is a directory, it is read-only) is exit 2 now, before the first request, not after the writes.
 */
export function assertHistoryWritable(path: string): void {
  const fail = (why: string) => {
    throw new ToolError("HISTORY_INVALID", `cannot append to history ${path}: ${why}`);
  };
  if (existsSync(path)) {
    if (!statSync(path).isFile()) fail("it is not a file");
    if (!writable(path)) fail("it is not writable");
    return;
  }
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`the directory ${dirname(path)} does not exist`);
  if (!writable(dir)) fail(`the directory ${dirname(path)} is not writable`);
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Opened with O_NOFOLLOW (where the platform has it): a symbolic link planted at the path is refused (ELOOP), never written through. */
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export function appendHistory(path: string, entry: HistoryEntry): void {
  try {
    const fd = openSync(path, APPEND, 0o644);
    try {
      appendFileSync(fd, `${JSON.stringify(entry)}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new ToolError("HISTORY_INVALID", `cannot append to history ${path}: ${(error as NodeJS.ErrnoException).code ?? "unwritable"}`);
  }
}

export function historyEntry(result: RunResult, triaged: Triage, commit = suiteCommit()): HistoryEntry {
  const checks = { pass: 0, fail: 0, skip: 0, error: 0 };
  for (const check of result.checks) checks[check.outcome] += 1;
  const { new: fresh, unchanged, known, fixed } = triaged.counts;
  return {
    time: result.startedAt,
    target: { baseUrl: result.target.baseUrl, embedded: result.target.embedded },
    ...(commit === undefined ? {} : { commit }),
    verdict: triaged.verdict.outcome,
    counts: { ...checks, findings: triaged.findings.length, new: fresh, unchanged, known, fixed },
    fingerprints: triaged.findings.map((f) => f.fingerprint),
    latency: Object.fromEntries(result.latency.map((row) => [row.operationId, { p50Ms: row.p50Ms, p95Ms: row.p95Ms }])),
  };
}

/** A night the run could not be made: no checks, no findings, the one-line cause (already redacted by the caller). */
export function outageEntry(
  target: HistoryEntry["target"],
  cause: string,
  time = new Date().toISOString(),
  commit = suiteCommit(),
): HistoryEntry {
  return {
    time,
    target,
    ...(commit === undefined ? {} : { commit }),
    verdict: OUTAGE,
    outage: { cause },
    counts: { pass: 0, fail: 0, skip: 0, error: 0, findings: 0, new: 0, unchanged: 0, known: 0, fixed: 0 },
    fingerprints: [],
    latency: {},
  };
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The suite's commit: CI's GITHUB_SHA when set, else `git rev-parse HEAD` of the suite's checkout. */
export function suiteCommit(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 5_000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}
