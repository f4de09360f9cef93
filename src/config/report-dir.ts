/**
 * The report directory is checked before the first request, so a bad `--report-dir` is a one-line
 * error (exit 2) rather than a run whose results are lost at the end. It is created only once the run
 * can be made (the target answered the preflight): a night the API is unreachable leaves no empty report
 * directory behind for a nightly job to copy over its baseline (issue 26). Node 20's recursive
 * `mkdirSync` loops forever under /proc (and ignores SIGTERM while it does), so the directory is created
 * one level at a time below its nearest existing ancestor, and proved writable with a probe file.
 */
import { mkdirSync, rmSync, type Stats, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ToolError } from "../errors.js";

/**
 * Before the first request, creating nothing that stays: the nearest existing ancestor is a directory and
 * takes a file (a probe, removed at once), so /proc or a read-only place is exit 2 before any request.
 */
export function checkReportDir(dir: string): void {
  const { target, missing } = nearestDirectory(dir);
  const [outermost] = missing;
  if (outermost === undefined) probeWritable(dir, target);
  else probeWritable(dir, dirname(outermost), `cannot create ${outermost}`);
}

/** Once the run can be made: creates the missing levels and proves the directory writable. */
export function ensureReportDir(dir: string): void {
  const { target, missing } = nearestDirectory(dir);
  for (const level of missing) {
    attempt(() => mkdirSync(level), `--report-dir ${dir}: cannot create ${level}`);
  }
  probeWritable(dir, target);
}

/** The directory as an absolute path, and the levels of it that do not exist yet (outermost first). */
function nearestDirectory(dir: string): { target: string; missing: string[] } {
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  let stats = statIfExists(existing);
  while (stats === undefined && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
    stats = statIfExists(existing);
  }
  if (!stats?.isDirectory()) throw new ToolError("CONFIG_INVALID", `--report-dir ${dir}: ${existing} is not a directory`);
  return { target, missing };
}

function probeWritable(dir: string, target: string, why = `cannot write into ${target}`): void {
  const probe = join(target, `.conformance-probe-${process.pid}`);
  attempt(() => {
    writeFileSync(probe, "", { flag: "wx" });
    rmSync(probe);
  }, `--report-dir ${dir}: ${why}`);
}

/** Undefined when nothing is there, also when a file stands where an ancestor directory should be. */
function statIfExists(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ToolError("CONFIG_INVALID", `cannot inspect ${path}: ${code ?? (error as Error).message}`);
  }
}

function attempt(action: () => void, failure: string): void {
  try {
    action();
  } catch (error) {
    throw new ToolError("CONFIG_INVALID", `${failure} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
