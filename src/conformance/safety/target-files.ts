/**
 * Where a target's journal and lock live: `<state dir>/<key>.journal.json` and `<key>.lock`, the key a
 * hash of base URL and org id, so runs against different APIs or orgs never share either file, and
 * every run against the same org finds them, from any checkout and with any `--journal`
 * (src/config/state-dir.ts). `--journal FILE` only names where a copy goes.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { CONFORMANCE_COMMAND } from "../../launch.js";

/** Where versions before the state directory kept the files: a journal left there is still pending. */
export const LEGACY_SAFETY_DIR = ".conformance";

export interface TargetFiles {
  /** The record every later run looks for. */
  journal: string;
  lock: string;
  /** The journal of this target as older versions wrote it, relative to the working directory. */
  legacyJournal: string;
}

export function targetKey(baseUrl: string, orgId: string): string {
  return createHash("sha256").update(`${baseUrl}\n${orgId}`).digest("hex").slice(0, 16);
}

export function targetFiles(stateDir: string, baseUrl: string, orgId: string): TargetFiles {
  const key = targetKey(baseUrl, orgId);
  return {
    journal: join(stateDir, `${key}.journal.json`),
    lock: join(stateDir, `${key}.lock`),
    legacyJournal: join(LEGACY_SAFETY_DIR, `${key}.journal.json`),
  };
}

export interface RestoreCommandOptions {
  /** The org id prefix is added when the org was discovered, not configured. */
  orgIdConfigured: boolean;
  /** `--state-dir` as given (a state directory named by the variable stays set in the environment). */
  stateDirFlag?: string;
  /** A journal file the record is not in (one an older version left in `.conformance/`). */
  journalFile?: string;
}

/** The exact command that restores the org. */
export function restoreCommand(orgId: string, options: RestoreCommandOptions): string {
  const env = options.orgIdConfigured ? "" : `TENANT_API_ORG_ID=${shellWord(orgId)} `;
  const stateDir = options.stateDirFlag === undefined ? "" : ` --state-dir ${shellWord(options.stateDirFlag)}`;
  const journal = options.journalFile === undefined ? "" : ` --journal ${shellWord(options.journalFile)}`;
  return `${env}${CONFORMANCE_COMMAND} --restore${stateDir}${journal}`;
}

function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
