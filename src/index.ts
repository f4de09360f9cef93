/**
 * The programmatic API of the installed package (`import { runConformance } from "tenant-api-conformance"`):
 * the same gate as `tenant-api-conformance conformance --json`, run in process, with its exit code and
 * the conformance.json document parsed. A thin wrapper over the command, so a script and the CLI can
 * never disagree on flags, defaults, safety or exit codes.
 */
import { run as conformance } from "./cli/conformance.js";
import { type CliIo, systemClock, type Writer } from "./cli/io.js";
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
  /** Where relative paths and `.env` are read from; default `process.cwd()`. */
  cwd?: string;
  /** Where the progress lines, the summary and error lines go (what the CLI prints to people); default: nowhere. */
  log?: Writer;
}

export interface ConformanceResult {
  /** The CLI's exit code: 0 pass, 1 findings, 2 the run could not be made, 3 the org was not restored. */
  exitCode: number;
  /** The verdict, when the run reached one. */
  verdict?: Verdict;
  /** The conformance.json document (also written to the report directory), when the run reached a verdict. */
  report?: ConformanceReport;
}

export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceResult> {
  let json = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (json += text) },
    stderr: options.log ?? { write: () => true },
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
    clock: systemClock,
  };
  const exitCode = await conformance([...(options.args ?? []), "--json"], options.env ?? process.env, io);
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
