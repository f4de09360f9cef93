/**
 * The report directory is checked before the first request, so a bad `--report-dir` is a one-line
 * error (exit 2) rather than a run whose results are lost at the end. Node 20's recursive `mkdirSync`
 * loops forever under /proc (and ignores SIGTERM while it does), so the directory is created one level
 * at a time below its nearest existing ancestor, and proved writable with a probe file.
 */
import { mkdirSync, rmSync, type Stats, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ToolError } from "../errors.js";

export function ensureReportDir(dir: string): void {
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
  for (const level of missing) {
    attempt(() => mkdirSync(level), `--report-dir ${dir}: cannot create ${level}`);
  }
  const probe = join(target, `.conformance-probe-${process.pid}`);
  attempt(() => {
    writeFileSync(probe, "", { flag: "wx" });
    rmSync(probe);
  }, `--report-dir ${dir}: cannot write into ${target}`);
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
