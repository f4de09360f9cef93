/**
 * `npm run conformance -- [options]` (`--help` lists them: src/cli/conformance-usage.ts).
 * Exit codes: 0 the verdict does not fail the gate; 1 findings fail it (or, with --fail-on-skip, a
 * check was skipped); 2 the run could not be made (or was interrupted, or a check crashed, or it ended
 * without a verdict, or it skipped a check against the embedded provider, or the infrastructure answered
 * in place of the API and nothing failed); 3 the org could not be restored or its restoration not verified.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkReportDir, ensureReportDir } from "../config/report-dir.js";
import { parseSettings, type Settings, secretsInEnv, withDotEnv } from "../config/settings.js";
import { inWorkDir } from "../config/work-dir.js";
import { embeddedSkipFailure } from "../conformance/embedded-gate.js";
import { prepare, release } from "../conformance/prepare.js";
import { countOutcomes, freshSeed, type RunResult, runChecks } from "../conformance/runner.js";
import { type Guard, guardRun } from "../conformance/safety/guard.js";
import { notRestoredText } from "../conformance/safety/restore.js";
import { describeError, EXIT_NOT_RESTORED, EXIT_OK, EXIT_TOOL_ERROR } from "../errors.js";
import { concludeRun, type GateInputs, gateExitCode, loadGateInputs, recordOutage } from "../findings/gate.js";
import { asTyped } from "../launch.js";
import { Redactor } from "../redaction.js";
import { renderSummary } from "../report/console.js";
import { consoleText, terminalLine } from "../report/terminal-text.js";
import { writeReports } from "../report/write.js";
import type { SpecDocument } from "../spec/document.js";
import { specValidators } from "../validation/validators.js";
import { wantsHelp } from "./args.js";
import { renderCheckList, takeCheckSelection } from "./check-selection.js";
import { restoreOnly } from "./conformance-restore.js";
import { USAGE } from "./conformance-usage.js";
import type { CliIo, Writer } from "./io.js";
import { RunConsole } from "./run-console.js";
import { takeFlag } from "./take-flag.js";

export async function run(commandLine: string[], env: NodeJS.ProcessEnv, outerIo: CliIo): Promise<number> {
  if (wantsHelp(commandLine)) {
    outerIo.stdout.write(asTyped(USAGE));
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
    const settings = inWorkDir(parseSettings(rest, merged), io.cwd);
    if (settings.restore) return await restoreOnly(settings, redactor, io);
    settings.seed ??= freshSeed(); // chosen here so the header can print it before the first request
    const gate = new RunConsole(io, redactor, selection.checks, selection.scope);
    gate.header(settings);
    return await runGate(settings, redactor, io, gate, json.present ? outerIo.stdout : undefined);
  } catch (error) {
    io.stderr.write(redactor.redact(`${terminalLine(`conformance: ${describeError(error)}`)}\n`));
    return EXIT_TOOL_ERROR;
  }
}

async function runGate(settings: Settings, redactor: Redactor, io: CliIo, gate: RunConsole, jsonOut?: Writer): Promise<number> {
  checkReportDir(settings.reportDir); // created only once the run can be made: an outage leaves none to copy
  const validators = specValidators();
  const gateInputs = loadGateInputs(settings); // before any request: a bad file is exit 2
  for (const note of gateInputs.notes) io.stdout.write(redactor.redact(`${terminalLine(`conformance: ${note}`)}\n`));
  const prepared = await orOutage(() => prepare(settings), settings, redactor);
  redactor.add(Object.values(prepared.target.tokens).filter((t): t is string => t !== undefined));
  prepared.transport.redactWith(redactor);
  for (const note of prepared.notes ?? []) io.stdout.write(redactor.redact(`${terminalLine(`conformance: preflight: ${note}`)}\n`));
  const interrupt = new AbortController();
  // The launcher turns SIGINT, SIGTERM and SIGHUP into `io.stop` (src/cli/signals.ts): from here on the
  // run owns them, so a stopped run still restores the org and writes its reports.
  const onStop = () => {
    const signal = String(io.stop?.reason ?? "interrupted");
    io.stderr.write(`conformance: ${signal}: no new request starts; restoring the organization, then writing the reports\n`);
    interrupt.abort(signal);
  };
  if (io.stop?.aborted) onStop();
  else io.stop?.addEventListener("abort", onStop, { once: true });
  let guard: Guard | undefined;
  try {
    guard = await orOutage(() => guardRun(settings, prepared.target, interrupt.signal), settings, redactor); // the org's lock, and no journal left to restore
    ensureReportDir(settings.reportDir);
    const result = await runChecks({
      target: prepared.target,
      transport: prepared.transport,
      validators,
      spec: validators.spec,
      journalPath: guard?.journalPath,
      journalCopy: guard?.journalCopy,
      restoreCommand: guard?.restoreCommand,
      signal: interrupt.signal,
      generated: {
        seed: settings.seed,
        runs: settings.runs,
        modelSequences: settings.modelSequences,
        generatedBodies: settings.generatedBodies,
      },
      maxResponseMs: settings.maxResponseMs,
      concurrency: settings.concurrency,
      redactor,
      ...gate.runOptions(),
    });
    gate.end();
    const notRestored = result.restore !== undefined && !result.restore.verified;
    if (result.restore && notRestored) {
      // Said first, so nothing that fails after it (a report, the history) can hide it or change exit 3.
      io.stderr.write(
        redactor.redact(consoleText(notRestoredText(result.restore.message, result.restore.snapshot, result.restore.command))),
      );
    }
    let code: number;
    try {
      code = concludeAndReport(result, interrupt.signal.aborted, { settings, gateInputs, spec: validators.spec, redactor, io, jsonOut });
    } catch (error) {
      if (!notRestored) throw error;
      io.stderr.write(redactor.redact(`${terminalLine(`conformance: ${describeError(error)}`)}\n`));
      return EXIT_NOT_RESTORED;
    }
    return notRestored ? EXIT_NOT_RESTORED : code;
  } finally {
    gate.end();
    io.stop?.removeEventListener("abort", onStop);
    guard?.release();
    await release(prepared);
  }
}

/**
 * Runs a step that decides whether the run can be made at all; when it cannot (the API unreachable, the
 * org locked), the night goes into the history as an outage with its cause, then the error is exit 2.
 */
async function orOutage<T>(step: () => Promise<T>, settings: Settings, redactor: Redactor): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const target = { baseUrl: settings.baseUrl ?? "embedded reference provider", embedded: settings.baseUrl === undefined };
    recordOutage(settings, target, redactor.redact(describeError(error)));
    throw error;
  }
}

interface ReportContext {
  settings: Settings;
  gateInputs: GateInputs;
  spec: SpecDocument;
  redactor: Redactor;
  io: CliIo;
  /** With --json: where the conformance.json document goes (stdout, while people read stderr). */
  jsonOut?: Writer;
}

/** Triages the run, writes the reports and the summary; the exit code when the org was restored. */
function concludeAndReport(result: RunResult, interrupted: boolean, context: ReportContext): number {
  const { settings, gateInputs, spec, redactor, io, jsonOut } = context;
  const run = concludeRun(result, settings, gateInputs, interrupted);
  const files = reportsOrError(() => writeReports(settings.reportDir, run, spec, redactor), redactor, io);
  io.stdout.write(redactor.redact(renderSummary(run, files ?? [])));
  // The very bytes of the file just written (already redacted), so stdout and the file never differ.
  const document = files?.find((file) => file.endsWith("conformance.json"));
  if (jsonOut && document) jsonOut.write(readFileSync(document, "utf8"));
  if (files === undefined || interrupted || countOutcomes(result).error > 0) return EXIT_TOOL_ERROR;
  const suiteBroken = embeddedSkipFailure(result);
  if (suiteBroken !== undefined) {
    io.stderr.write(redactor.redact(`conformance: ${suiteBroken}\n`));
    return EXIT_TOOL_ERROR;
  }
  return gateExitCode(run);
}

/**
 * The report files, or undefined after one line on stderr when they could not be written: the summary
 * is still printed, and a failed restore (exit 3) still outranks the lost reports (exit 2).
 */
function reportsOrError(write: () => string[], redactor: Redactor, io: CliIo): string[] | undefined {
  try {
    return write();
  } catch (error) {
    io.stderr.write(redactor.redact(`${terminalLine(`conformance: ${describeError(error)}`)}\n`));
    return undefined;
  }
}
