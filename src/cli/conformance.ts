/**
 * `npm run conformance -- [--report-dir DIR] [--read-only] [--restore] [--timeout-ms N] [--journal FILE] [--concurrency N]`
 * Exit codes: 0 every check that ran passed; 1 at least one finding; 2 the run could not be made.
 */
import { ENV, parseSettings, type Settings, secretsInEnv, withDotEnv } from "../config/settings.js";
import { readJournal, removeJournal, restoreFromEntry } from "../conformance/journal.js";
import { prepare, release } from "../conformance/prepare.js";
import { countOutcomes, runChecks } from "../conformance/runner.js";
import { describeError, EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { HttpTransport } from "../http/transport.js";
import { Redactor } from "../redaction.js";
import { renderSummary } from "../report/console.js";
import { writeReports } from "../report/write.js";
import { specValidators } from "../validation/validators.js";

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const redactor = new Redactor(secretsInEnv(env));
  try {
    const merged = withDotEnv(env);
    redactor.add(secretsInEnv(merged));
    const settings = parseSettings(argv, merged);
    if (settings.restore) return await restoreOnly(settings, redactor);
    return await runGate(settings, redactor);
  } catch (error) {
    process.stderr.write(redactor.redact(`conformance: ${describeError(error)}\n`));
    return EXIT_TOOL_ERROR;
  }
}

async function runGate(settings: Settings, redactor: Redactor): Promise<number> {
  if (settings.baseUrl !== undefined && readJournal(settings.journalPath) !== undefined) {
    throw new ToolError("JOURNAL_INVALID", `${settings.journalPath} holds a snapshot from an interrupted run: run with --restore first`);
  }
  const validators = specValidators();
  const prepared = await prepare(settings);
  redactor.add(Object.values(prepared.target.tokens).filter((t): t is string => t !== undefined));
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`conformance: ${signal}: finishing the current check, then restoring the organization\n`);
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await runChecks({
      target: prepared.target,
      transport: prepared.transport,
      validators,
      spec: validators.spec,
      journalPath: prepared.target.embedded ? undefined : settings.journalPath,
      signal: interrupt.signal,
      generated: { seed: settings.seed, runs: settings.runs },
      concurrency: settings.concurrency,
    });
    const files = writeReports(settings.reportDir, result, validators.spec, redactor);
    process.stdout.write(redactor.redact(renderSummary(result, files)));
    const counts = countOutcomes(result);
    if (interrupt.signal.aborted || counts.error > 0) return EXIT_TOOL_ERROR;
    return counts.findings > 0 ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await release(prepared);
  }
}

async function restoreOnly(settings: Settings, redactor: Redactor): Promise<number> {
  const entry = readJournal(settings.journalPath);
  if (entry === undefined) {
    process.stdout.write(`conformance: no journal at ${settings.journalPath}; nothing to restore\n`);
    return EXIT_OK;
  }
  if (entry.baseUrl !== settings.baseUrl) {
    throw new ToolError("JOURNAL_INVALID", `the journal is for ${entry.baseUrl}, but ${ENV.baseUrl} is ${settings.baseUrl}`);
  }
  const transport = new HttpTransport({ baseUrl: entry.baseUrl, timeoutMs: settings.timeoutMs });
  try {
    const outcome = await restoreFromEntry(transport, settings.token ?? "", entry);
    process.stdout.write(redactor.redact(`${outcome.verified ? "RESTORED" : "NOT RESTORED"} ${outcome.message}\n`));
    if (!outcome.verified) return EXIT_FINDINGS;
    removeJournal(settings.journalPath);
    return EXIT_OK;
  } finally {
    await transport.close();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance: internal error: ${describeError(error)}\n`);
    process.exit(EXIT_TOOL_ERROR);
  },
);
