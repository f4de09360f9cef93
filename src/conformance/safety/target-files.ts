/**
 * Where an org's journal and lock live: `<state dir>/org-<key>.journal.json` and `org-<key>.lock`, the
 * key a hash of the org id alone. One API answers at many spellings of its URL (`127.0.0.1` and
 * `localhost`, an alias, a proxy), so a key made of the URL's text let two runs write the same org at
 * once; keyed by what names the org, every spelling meets, and the URL recorded inside the files lets
 * a run under another URL stop and name both (the user decides whether they are one API). Runs against
 * two different APIs whose orgs share an id use a state directory each. Every run finds the files from
 * any checkout and with any `--journal` (src/config/state-dir.ts); `--journal FILE` only names where a
 * copy goes.
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
  /** The journal as versions that keyed it by URL text kept it in the state directory: still pending. */
  urlKeyedJournal: string;
  /** The journal of this target as older versions wrote it, relative to the working directory. */
  legacyJournal: string;
}

/** The key of an org's files: whatever the URL's spelling, one org id is one key. */
export function orgKey(orgId: string): string {
  return `org-${createHash("sha256").update(orgId).digest("hex").slice(0, 16)}`;
}

/** The key earlier versions used, a hash of the URL's text and the org id. */
function urlKey(baseUrl: string, orgId: string): string {
  return createHash("sha256").update(`${baseUrl}\n${orgId}`).digest("hex").slice(0, 16);
}

/** `workDir`: where `.conformance/` of older versions is looked for (the run's working directory). */
export function targetFiles(stateDir: string, baseUrl: string, orgId: string, workDir = "."): TargetFiles {
  const key = orgKey(orgId);
  return {
    journal: join(stateDir, `${key}.journal.json`),
    lock: join(stateDir, `${key}.lock`),
    urlKeyedJournal: join(stateDir, `${urlKey(baseUrl, orgId)}.journal.json`),
    legacyJournal: join(workDir, LEGACY_SAFETY_DIR, `${urlKey(baseUrl, orgId)}.journal.json`),
  };
}

export interface RestoreCommandOptions {
  /** The org id prefix is added when the org was discovered, not configured. */
  orgIdConfigured: boolean;
  /** `--state-dir` as given (a state directory named by the variable stays set in the environment). */
  stateDirFlag?: string;
  /** A journal file the record is not in (one an older version left in `.conformance/`). */
  journalFile?: string;
  /** The journal was written under another URL: the command restores it there (TENANT_API_BASE_URL set). */
  journalUrl?: string;
  /** The journal was written under another spelling of this API's URL (`--same-api`). */
  sameApi?: boolean;
}

/** The exact command that restores the org. */
export function restoreCommand(orgId: string, options: RestoreCommandOptions): string {
  const url = options.journalUrl === undefined ? "" : `TENANT_API_BASE_URL=${shellWord(options.journalUrl)} `;
  const env = `${url}${options.orgIdConfigured ? "" : `TENANT_API_ORG_ID=${shellWord(orgId)} `}`;
  const stateDir = options.stateDirFlag === undefined ? "" : ` --state-dir ${shellWord(options.stateDirFlag)}`;
  const journal = options.journalFile === undefined ? "" : ` --journal ${shellWord(options.journalFile)}`;
  return `${env}${CONFORMANCE_COMMAND} --restore${stateDir}${journal}${options.sameApi ? " --same-api" : ""}`;
}

function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
