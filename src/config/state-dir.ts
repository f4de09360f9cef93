/**
 * The host-wide home of each target's lock and journal. A run killed mid-write leaves a journal that
 * every later run against the same org must find, whatever checkout, CI runner or `--journal` it uses,
 * so the files are keyed by target (src/conformance/safety/target-files.ts) in one directory per user
 * and host, not in the working directory: `--state-dir DIR`, else `TENANT_API_STATE_DIR`, else
 * `$XDG_STATE_HOME/tenant-api-conformance`, else `~/.local/state/tenant-api-conformance`.
 * @see https://specifications.freedesktop.org/basedir-spec/latest/ (XDG_STATE_HOME)
 */
import { lstatSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ToolError } from "../errors.js";
import { makeDirs } from "./make-dirs.js";

const APP_DIR = "tenant-api-conformance";

/** Where the state lives when neither the flag nor the variable names a directory. */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  // The spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".local", "state");
  return join(base, APP_DIR);
}

/**
 * Creates the directory (mode 0700) if needed and refuses one that others could write to: whoever can
 * write there can delete a journal (and with it the only record of the org before the writes) or
 * plant a lock. Returns the absolute path, so messages name it whatever the working directory.
 */
export function ensureStateDir(dir: string): string {
  const path = resolve(dir);
  const failed = makeDirs(path, 0o700); // bounded: a path under /proc fails instead of hanging
  if (failed !== undefined) throw unusable(path, `cannot be used: ${failed}`);
  const stat = lstatSync(path);
  if (!stat.isDirectory()) throw unusable(path, "is not a directory (a symbolic link is not followed)");
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) throw unusable(path, `belongs to uid ${stat.uid}, not to this user (uid ${uid})`);
  if (uid !== undefined && (stat.mode & 0o022) !== 0) {
    throw unusable(path, `is writable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 700 it`);
  }
  return path;
}

function unusable(path: string, why: string): ToolError {
  return new ToolError(
    "STATE_DIR_UNUSABLE",
    `the state directory ${path} (locks and journals) ${why}; name another with --state-dir or TENANT_API_STATE_DIR`,
  );
}
