/**
 * `npm run conformance -- --restore`: puts the configured org back from the journal an interrupted run
 * left. The record is found by target in the state directory, from any checkout and with or without
 * `--journal`; `--journal FILE` is read only when there is no record (a copy, or a journal an older
 * version left). The journal must name exactly the configured org and have been written by this user
 * (mode 0600), and only the documented writable fields are sent (src/conformance/safety/journal-restore.ts).
 */
import { isDeepStrictEqual } from "node:util";
import { ENV, type Settings } from "../config/settings.js";
import { ensureStateDir } from "../config/state-dir.js";
import { type JournalEntry, readJournal, removeJournal } from "../conformance/safety/journal.js";
import { restoreFromJournal } from "../conformance/safety/journal-restore.js";
import { acquireLock, describeOwner } from "../conformance/safety/lock.js";
import { notRestoredText } from "../conformance/safety/restore.js";
import { summaryOf } from "../conformance/safety/snapshot.js";
import { restoreCommand, targetFiles } from "../conformance/safety/target-files.js";
import { EXIT_NOT_RESTORED, EXIT_OK, ToolError } from "../errors.js";
import { HttpTransport } from "../http/transport.js";
import type { Redactor } from "../redaction.js";
import { consoleText, terminalLine } from "../report/terminal-text.js";
import { specValidators } from "../validation/validators.js";
import type { CliIo } from "./io.js";

/** Restores only the configured org, and only from a journal that names exactly it. */
export async function restoreOnly(settings: Settings, redactor: Redactor, io: CliIo): Promise<number> {
  if (settings.readOnly) throw new ToolError("CONFIG_INVALID", "--restore sends a PATCH, so it cannot be combined with --read-only");
  const { baseUrl = "", orgId } = settings; // parseSettings requires a base URL with --restore
  if (orgId === undefined) {
    throw new ToolError("CONFIG_MISSING", `--restore needs ${ENV.orgId}: it restores only the configured organization`);
  }
  const files = targetFiles(ensureStateDir(settings.stateDir), baseUrl, orgId, settings.workDir);
  const lock = await acquireLock(files.lock, { orgId, baseUrl, waitMs: settings.lockWaitMs, sameApi: settings.sameApi, signal: io.stop });
  try {
    const found = findJournal([files.journal, files.urlKeyedJournal], settings.journalPath);
    if (found === undefined) {
      const where = settings.journalPath === undefined ? files.journal : `${files.journal} or ${settings.journalPath}`;
      io.stdout.write(redactor.redact(`conformance: no journal for ${orgId} at ${where}; nothing to restore\n`));
      return EXIT_OK;
    }
    const { path, entry } = found;
    refuseOtherTarget(path, entry, settings);
    if (lock.tookOverFrom) io.stdout.write(`conformance: the run of ${describeOwner(lock.tookOverFrom)} was interrupted\n`);
    const transport = new HttpTransport({
      baseUrl,
      timeoutMs: settings.timeoutMs,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      proxy: settings.proxy,
    });
    transport.redactWith(redactor);
    try {
      const outcome = await restoreFromJournal(transport, settings.token ?? "", entry, specValidators(), {
        acceptCurrent: settings.acceptCurrent,
      });
      if (!outcome.verified) {
        const command = restoreCommand(orgId, {
          orgIdConfigured: true,
          stateDirFlag: settings.stateDirFlag,
          journalFile: path === files.journal || path === files.urlKeyedJournal ? undefined : path,
          sameApi: entry.baseUrl !== baseUrl,
        });
        io.stderr.write(redactor.redact(consoleText(notRestoredText(outcome.message, summaryOf(entry.snapshot), command))));
        // The way out of a journal no PATCH can satisfy (the API now trims or normalises the value): said, never taken silently.
        io.stderr.write(
          redactor.redact(
            consoleText(
              `conformance: if the API now stores these values differently, accept the organization as it reads and clear the journal with: ${command} --accept-current\n`,
            ),
          ),
        );
        return EXIT_NOT_RESTORED;
      }
      const word = outcome.accepted ? "ACCEPTED" : "RESTORED";
      const cleared = outcome.accepted ? "; the journal is cleared, so later runs are not stopped by it" : "";
      io.stdout.write(redactor.redact(`${terminalLine(`${word} ${outcome.message}${cleared}`)}\n`));
      removeJournal(path);
      if (settings.journalPath !== undefined && settings.journalPath !== path) removeCopyOf(settings.journalPath, entry);
      return EXIT_OK;
    } finally {
      await transport.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * A journal is applied only to the org and the URL it was written for: another spelling of the URL may
 * be another API, which only the user can rule out (--same-api).
 */
function refuseOtherTarget(path: string, entry: JournalEntry, settings: Settings): void {
  const { baseUrl, orgId } = settings;
  if (entry.orgId === orgId && (entry.baseUrl === baseUrl || settings.sameApi)) return;
  const sameApi = entry.orgId === orgId ? `; if both URLs reach one API, add --same-api` : "";
  throw new ToolError(
    "JOURNAL_MISMATCH",
    `journal ${path} is for ${entry.orgId} at ${entry.baseUrl}, but ${ENV.orgId} and ${ENV.baseUrl} name ${orgId} at ${baseUrl}; nothing was sent${sameApi}`,
  );
}

/** The per-org record (or where versions keyed by URL text kept it), else the named file. */
function findJournal(records: string[], named: string | undefined): { path: string; entry: JournalEntry } | undefined {
  for (const path of named === undefined ? records : [...records, named]) {
    const entry = readJournal(path);
    if (entry !== undefined) return { path, entry };
  }
  return undefined;
}

/** The `--journal` copy of what was just restored goes too; a file holding anything else stays. */
function removeCopyOf(path: string, entry: JournalEntry): void {
  try {
    if (isDeepStrictEqual(readJournal(path), entry)) removeJournal(path);
  } catch {
    // not a journal of ours: leave it
  }
}
