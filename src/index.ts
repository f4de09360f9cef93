/**
 * The programmatic API of the installed package (`import { runConformance } from "tenant-api-conformance"`):
 * the same gate as `tenant-api-conformance conformance --json`, run in process, with its exit code and
 * the conformance.json document parsed. A thin wrapper over the command, so a script and the CLI can
 * never disagree on flags, defaults, safety or exit codes. It keeps the bin's promises in process too:
 * SIGINT, SIGTERM or the caller's AbortSignal restore the org before it resolves; a `log` that throws
 * loses nothing; relative paths are the `cwd`'s; bad options are one line and exit 2, never a TypeError.
 */
import { resolve } from "node:path";
import { cwdProblem, optionsProblem } from "./api/options.js";
import { stopOn } from "./api/signals.js";
import { run as conformance } from "./cli/conformance.js";
import { type CliIo, systemClock, type Writer } from "./cli/io.js";
import { EXIT_TOOL_ERROR } from "./errors.js";
import type { Verdict } from "./findings/verdict.js";
import type { ConformanceReport } from "./report/json.js";

export type { Writer } from "./cli/io.js";
// The consumer team's kit (docs/contracts.md, "In your own repository"): the typed client, the spec's
// shapes as pact matchers and examples, a check of an example against the spec, and the vocabulary
// (provider states, placeholder token) the provider's verification sets up.
export { TenantApiError, TenantClient, type TenantClientOptions, TenantTransportError } from "./client/index.js";
export {
  anyStringBut,
  assertExample,
  errorMatcher,
  exampleFor,
  organizationListMatcher,
  organizationMatcher,
  validateExample,
  withoutKey,
} from "./contracts/consumer-kit.js";
export { BEARER_PATTERN, EXAMPLE_TOKEN, STATES, type StateSentence } from "./contracts/states.js";
export { EXIT_FINDINGS, EXIT_NOT_RESTORED, EXIT_OK, EXIT_TOOL_ERROR } from "./errors.js";
export type { Verdict, VerdictWord } from "./findings/verdict.js";
export type { ConformanceReport } from "./report/json.js";

export interface ConformanceOptions {
  /** The command's flags, as on the command line: `["--read-only", "--report-dir", dir]`. `--json` is implied. */
  args?: string[];
  /** TENANT_API_* and the rest; default `process.env`. No TENANT_API_* variable: the embedded provider. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where `.env` is read from and every relative path is taken from (--report-dir, --journal,
   * --state-dir, --baseline, --known-issues, --history); default `process.cwd()`. It must exist.
   */
  cwd?: string;
  /**
   * Where the progress lines, the summary and error lines go (what the CLI prints to people); default:
   * nowhere. A `write` that throws drops that text, never the run's verdict, exit code or reports.
   */
  log?: Writer;
  /**
   * Aborting it stops the run as SIGINT does: no new request starts, the org is restored, the reports
   * are written, and the promise resolves with exit 2 (or 3 when the org could not be restored).
   */
  signal?: AbortSignal;
  /**
   * Whether the process's SIGINT and SIGTERM stop the run that way while it runs (default true); the
   * handlers are removed when it resolves. Pass false when the script handles them and aborts `signal`.
   */
  handleSignals?: boolean;
}

export interface ConformanceResult {
  /** The CLI's exit code: 0 pass, 1 findings, 2 the run could not be made, 3 the org was not restored. */
  exitCode: number;
  /** The verdict, when the run reached one. */
  verdict?: Verdict;
  /** The conformance.json document (also written to the report directory), when the run reached a verdict. */
  report?: ConformanceReport;
  /** Why the options were refused before anything ran (exit 2): one line, also written to `log`. */
  error?: string;
}

export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceResult> {
  const log = safeLog(typeof options === "object" && options !== null ? options.log : undefined);
  const refused = optionsProblem(options) ?? cwdProblem(options.cwd ?? process.cwd());
  if (refused !== undefined) {
    const error = `runConformance: ${refused}`;
    log.write(`${error}\n`);
    return { exitCode: EXIT_TOOL_ERROR, error };
  }
  let json = "";
  const stop = new AbortController();
  const io: CliIo = {
    stdout: { write: (text: string) => (json += text) },
    stderr: log,
    cwd: resolve(options.cwd ?? process.cwd()),
    isTTY: false,
    clock: systemClock,
    stop: stop.signal,
  };
  const undo = stopOn(stop, options.signal, options.handleSignals !== false);
  let exitCode: number;
  try {
    exitCode = await conformance([...(options.args ?? []), "--json"], options.env ?? process.env, io);
  } finally {
    undo();
  }
  let report: ConformanceReport;
  try {
    report = JSON.parse(json) as ConformanceReport;
  } catch {
    // No document: the run reached no verdict, or the args asked for something else (--help).
    if (json !== "") io.stderr.write(json);
    return { exitCode };
  }
  return { exitCode, verdict: report.verdict, report };
}

/** The caller's log, or nowhere; a write that throws is dropped, so it cannot change the run's outcome. */
function safeLog(log: Writer | undefined): Writer {
  return {
    write: (text: string) => {
      try {
        log?.write(text);
      } catch {
        // the caller's writer failed: the text is lost, the run is not
      }
      return true;
    },
  };
}
