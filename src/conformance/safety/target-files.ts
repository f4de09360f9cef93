/**
 * Where a target's journal and lock live: `.conformance/<key>.journal.json` and `<key>.lock`, the key
 * a hash of base URL and org id, so runs against different APIs or orgs never share either file.
 * `--journal FILE` moves the journal; the lock stays per target, so one writer per org still holds.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";

export const SAFETY_DIR = ".conformance";

export interface TargetFiles {
  journal: string;
  lock: string;
}

export function targetFiles(baseUrl: string, orgId: string, journalOverride?: string): TargetFiles {
  const key = createHash("sha256").update(`${baseUrl}\n${orgId}`).digest("hex").slice(0, 16);
  return { journal: journalOverride ?? join(SAFETY_DIR, `${key}.journal.json`), lock: join(SAFETY_DIR, `${key}.lock`) };
}

/** The exact command that restores the org: the org id prefix when it was discovered, not configured. */
export function restoreCommand(orgId: string, orgIdConfigured: boolean, journalOverride?: string): string {
  const env = orgIdConfigured ? "" : `TENANT_API_ORG_ID=${shellWord(orgId)} `;
  const journal = journalOverride === undefined ? "" : ` --journal ${shellWord(journalOverride)}`;
  return `${env}npm run conformance -- --restore${journal}`;
}

function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
