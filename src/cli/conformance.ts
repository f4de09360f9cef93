/**
 * `npm run conformance -- [options]` (`--help` lists them: src/cli/conformance-usage.ts).
 * Exit codes: 0 the verdict does not fail the gate; 1 findings fail it (or, with --fail-on-skip, a
 * check was skipped); 2 the run could not be made (or was interrupted, or a check crashed, or it ended
 * without a verdict, or it skipped a check against the embedded provider); 3 the org could not be
 * restored or its restoration not verified.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ensureReportDir } from "../config/report-dir.js";
import { ENV, parseSettings, type Settings, secretsInEnv, withDotEnv } from "../config/settings.js";
import { embeddedSkipFailure } from "../conformance/embedded-gate.js";
import { prepare, release } from "../conformance/prepare.js";
import { countOutcomes, freshSeed, runChecks } from "../conformance/runner.js";
import { type Guard, guardRun } from "../conformance/safety/guard.js";
import { readJournal, removeJournal } from "../conformance/safety/journal.js";
import { acquireLock, describeOwner } from "../conformance/safety/lock.js";
import { notRestoredText, restoreOrg } from "../conformance/safety/restore.js";
import { summaryOf } from "../conformance/safety/snapshot.js";
import { restoreCommand, targetFiles } from "../conformance/safety/target-files.js";
import { describeError, EXIT_NOT_RESTORED, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { concludeRun, gateExitCode, loadGateInputs } from "../findings/gate.js";
import { HttpTransport } from "../http/transport.js";
import { Redactor } from "../redaction.js";
import { renderSummary } from "../report/console.js";
import { consoleText, terminalLine } from "../report/terminal-text.js";
import { writeReports } from "../report/write.js";
import { specValidators } from "../validation/validators.js";
import { wantsHelp } from "./args.js";
import { renderCheckList, takeCheckSelection } from "./check-selection.js";
import { USAGE } from "./conformance-usage.js";
import type { CliIo, Writer } from "./io.js";
import { RunConsole } from "./run-console.js";
import { takeFlag } from "./take-flag.js";

export async function run(commandLine: string[], env: NodeJS.ProcessEnv, outerIo: CliIo): Promise<number> {
  if (wantsHelp(commandLine)) {
    outerIo.stdout.write(USAGE);
    return EXIT_OK;
  }
  // --json: stdout holds only the conformance.json document, so everything for people goes to stderr.
  const json = takeFlag(commandLine, "--json");
  const argv = json.argv;
  const io = json.present ? { ...outerIo, stdout: outerIo.stderr } : outerIo;
  const redactor = new Redactor(secretsInEnv(env));
  try {
    const { selection, rest } = takeCheckSelection(argv);
    if (selection.list) {
      io.stdout.write(renderCheckList(selection.checks));
      return EXIT_OK;
    }
    const merged = withDotEnv(env, relative(process.cwd(), join(io.cwd, ".env")) || ".env");
    redactor.add(secretsInEnv(merged));
    const settings = parseSettings(rest, merged);
    if (settings.restore) return await restoreOnly(settings, redactor, io);
    settings.seed ??= freshSeed(); // chosen here so the header can print it before the first request
    const gate = new RunConsole(io, redactor, selection.checks);
    gate.header(settings);
    return await runGate(settings, redactor, io, gate, json.present ? outerIo.stdout : undefined);
  } catch (error) {
    io.stderr.write(redactor.redact(`${terminalLine(`conformance: ${describeError(error)}`)}\n`));
    return EXIT_TOOL_ERROR;
  }
}

async function runGate(settings: Settings, redactor: Redactor, io: CliIo, gate: RunConsole, jsonOut?: Writer): Promise<number> {
  ensureReportDir(settings.reportDir);
  const validators = specValidators();
  const gateInputs = loadGateInputs(settings); // before any request: a bad file is exit 2
  const prepared = await prepare(settings);
  redactor.add(Object.values(prepared.target.tokens).filter((t): t is string => t !== undefined));
  prepared.transport.redactWith(redactor);
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    io.stderr.write(`conformance: ${signal}: no new request starts; restoring the organization, then writing the reports\n`);
    interrupt.abort(signal);
  };
  let guard: Guard | undefined;
  try {
    guard = await guardRun(settings, prepared.target); // the org's lock, and no journal left to restore
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const result = await runChecks({
      target: prepared.target,
      transport: prepared.transport,
      validators,
      spec: validators.spec,
      journalPath: guard?.journalPath,
      restoreCommand: guard?.restoreCommand,
      signal: interrupt.signal,
      generated: { seed: settings.seed, runs: settings.runs },
      maxResponseMs: settings.maxResponseMs,
      concurrency: settings.concurrency,
      redactor,
      ...gate.runOptions(),
    });
    gate.end();
    const run = concludeRun(result, settings, gateInputs, interrupt.signal.aborted);
    const files = writeReports(settings.reportDir, run, validators.spec, redactor);
    io.stdout.write(redactor.redact(renderSummary(run, files)));
    // The very bytes of the file just written (already redacted), so stdout and the file never differ.
    const document = files.find((file) => file.endsWith("conformance.json"));
    if (jsonOut && document) jsonOut.write(readFileSync(document, "utf8"));
    const counts = countOutcomes(result);
    if (result.restore && !result.restore.verified) {
      io.stderr.write(
        redactor.redact(consoleText(notRestoredText(result.restore.message, result.restore.snapshot, result.restore.command))),
      );
      return EXIT_NOT_RESTORED;
    }
    if (interrupt.signal.aborted || counts.error > 0) return EXIT_TOOL_ERROR;
    const suiteBroken = embeddedSkipFailure(result);
    if (suiteBroken !== undefined) {
      io.stderr.write(redactor.redact(`conformance: ${suiteBroken}\n`));
      return EXIT_TOOL_ERROR;
    }
    return gateExitCode(run);
  } finally {
    gate.end();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    guard?.release();
    await release(prepared);
  }
}

/** Restores only the configured org, and only from a journal that names exactly it. */
async function restoreOnly(settings: Settings, redactor: Redactor, io: CliIo): Promise<number> {
  if (settings.readOnly) throw new ToolError("CONFIG_INVALID", "--restore sends a PATCH, so it cannot be combined with --read-only");
  const { baseUrl = "", orgId } = settings; // parseSettings requires a base URL with --restore
  if (orgId === undefined) {
    throw new ToolError("CONFIG_MISSING", `--restore needs ${ENV.orgId}: it restores only the configured organization`);
  }
  const files = targetFiles(baseUrl, orgId, settings.journalPath);
  const lock = await acquireLock(files.lock, settings.lockWaitMs, `${orgId} at ${baseUrl}`);
  try {
    const entry = readJournal(files.journal);
    if (entry === undefined) {
      io.stdout.write(redactor.redact(`conformance: no journal for ${orgId} at ${files.journal}; nothing to restore\n`));
      return EXIT_OK;
    }
    if (entry.baseUrl !== baseUrl || entry.orgId !== orgId) {
      throw new ToolError(
        "JOURNAL_MISMATCH",
        `journal ${files.journal} is for ${entry.orgId} at ${entry.baseUrl}, but ${ENV.orgId} and ${ENV.baseUrl} name ${orgId} at ${baseUrl}; nothing was sent`,
      );
    }
    if (lock.tookOverFrom) io.stdout.write(`conformance: the run of ${describeOwner(lock.tookOverFrom)} was interrupted\n`);
    const transport = new HttpTransport({ baseUrl, timeoutMs: settings.timeoutMs });
    transport.redactWith(redactor);
    try {
      const outcome = await restoreOrg(transport, settings.token ?? "", entry);
      if (!outcome.verified) {
        const command = restoreCommand(orgId, true, settings.journalPath);
        io.stderr.write(redactor.redact(consoleText(notRestoredText(outcome.message, summaryOf(entry.snapshot), command))));
        return EXIT_NOT_RESTORED;
      }
      io.stdout.write(redactor.redact(`${terminalLine(`RESTORED ${outcome.message}`)}\n`));
      removeJournal(files.journal);
      return EXIT_OK;
    } finally {
      await transport.close();
    }
  } finally {
    lock.release();
  }
}
