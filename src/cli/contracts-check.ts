/**
 * `npm run contracts:check -- [--dir DIR] [PACT.json ...]` (default: the working folder's contracts/*.json): every pact against the
 * spec, offline. Exit 0 when all conform, 1 with one line per finding, 2 when a file cannot be
 * read as a pact (one line on stderr, never a stack trace).
 */
import { relative } from "node:path";
import { checkPact } from "../contracts/check.js";
import { pactFilesOf, workingContractsDir } from "../contracts/names.js";
import { loadPact } from "../contracts/pact-model.js";
import { EXIT_FINDINGS, EXIT_OK } from "../errors.js";
import { renderFinding } from "../findings/finding.js";
import { specValidators } from "../validation/validators.js";
import { command, parseCommandLine } from "./args.js";
import type { CliIo } from "./io.js";

export const USAGE = `Usage: npm run contracts:check -- [--dir DIR] [PACT.json ...]

Checks every interaction of the given pact files (default: the working folder's contracts/*.json)
against spec/tenant-api.openapi.json, offline: status, headers and bodies as the spec documents them.

Options:
  --dir DIR    the folder of the pacts (default: ./contracts)
  -h, --help   this text

Exit codes: 0 every interaction conforms, 1 findings (one line each), 2 a file is not a readable pact.`;

export function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  return command("contracts:check", USAGE, argv, env, io, () => check(argv, io));
}

function check(argv: string[], io: CliIo): number {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const { values, positionals } = parseCommandLine(argv, { dir: { type: "string" } }, true);
  const files = pactFilesOf(positionals, workingContractsDir(io.cwd, values.dir), io.cwd);
  const validators = specValidators();
  // Load every file first, so a broken file is a tool error before any finding is printed.
  const pacts = files.map((file) => ({ file, pact: loadPact(file) }));
  let findings = 0;
  let interactions = 0;
  for (const { file, pact } of pacts) {
    interactions += pact.interactions.length;
    for (const { interaction, finding } of checkPact(pact, validators)) {
      findings += 1;
      out(`${displayPath(file, io.cwd)} "${interaction}": ${renderFinding(finding)}`);
    }
    for (const skipped of pact.skipped) out(`${displayPath(file, io.cwd)} "${skipped}": not an HTTP interaction, not checked`);
  }
  // Which files were read: a folder with other pacts than expected shows at once.
  const read = pacts.map(({ file }) => displayPath(file, io.cwd)).join(", ");
  const summary = `${interactions} interaction(s) in ${pacts.length} pact(s) (${read}): ${findings} finding(s)`;
  out(findings === 0 ? `${summary}; every interaction conforms to the spec` : summary);
  return findings === 0 ? EXIT_OK : EXIT_FINDINGS;
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith("..") ? file : rel;
}
