/**
 * `npm run contracts:check -- [PACT.json ...]` (default: contracts/*.json): every pact against the
 * spec, offline. Exit 0 when all conform, 1 with one line per finding, 2 when a file cannot be
 * read as a pact (one line on stderr, never a stack trace).
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { isMain } from "../cli-main.js";
import { describeError, EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { renderFinding } from "../findings/finding.js";
import { specValidators } from "../validation/validators.js";
import { checkPact } from "./check.js";
import { CONTRACTS_DIR, committedPactFiles } from "./names.js";
import { loadPact } from "./pact-model.js";

export function run(argv: string[], out: (line: string) => void = console.log): number {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const files = positionals.length > 0 ? positionals : committedPactFiles();
  if (files.length === 0) throw new ToolError("CONFIG_MISSING", `no pact files given and none in ${CONTRACTS_DIR}`);
  const validators = specValidators();
  // Load every file first, so a broken file is a tool error before any finding is printed.
  const pacts = files.map((file) => ({ file, pact: loadPact(file) }));
  let findings = 0;
  let interactions = 0;
  for (const { file, pact } of pacts) {
    interactions += pact.interactions.length;
    for (const { interaction, finding } of checkPact(pact, validators)) {
      findings += 1;
      out(`${displayPath(file)} "${interaction}": ${renderFinding(finding)}`);
    }
    for (const skipped of pact.skipped) out(`${displayPath(file)} "${skipped}": not an HTTP interaction, not checked`);
  }
  const summary = `${interactions} interaction(s) in ${pacts.length} pact(s): ${findings} finding(s)`;
  out(findings === 0 ? `${summary}; every interaction conforms to the spec` : summary);
  return findings === 0 ? EXIT_OK : EXIT_FINDINGS;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

if (isMain(import.meta.url)) {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (error) {
    console.error(`contracts:check: ${describeError(error)}`);
    process.exitCode = EXIT_TOOL_ERROR;
  }
}
