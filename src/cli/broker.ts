/**
 * `npm run contracts:publish | contracts:can-i-deploy | contracts:record-deployment |
 * contracts:publish-provider-contract`: the broker commands, one `run` per npm script. Exit codes:
 * 0 done (can-i-deploy: yes), 1 can-i-deploy says no, 2 the command could not be made (bad input,
 * no broker, refused credentials, any failure of the CLI).
 */
import { buildCommand, canIDeployExit, describeCommand, runBrokerCli } from "../contracts/broker-command.js";
import { assertReachable } from "../contracts/reachable.js";
import { EXIT_OK, EXIT_TOOL_ERROR } from "../errors.js";
import { Redactor } from "../redaction.js";
import { command, envSecrets } from "./args.js";
import type { CliIo } from "./io.js";
import { SafeLines } from "./safe-lines.js";

export type BrokerSubcommand = "publish" | "can-i-deploy" | "record-deployment" | "publish-provider-contract";

const BROKER_ENV = `Environment:
  PACT_BROKER_BASE_URL                      the broker (required; no credentials in the URL)
  PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD   its credentials (never printed)
  PACT_CONSUMER, PACT_PROVIDER              the pacticipants' names (default tenant-console, tenant-api)`;

const VERSIONS = `  PACT_CONSUMER_VERSION, PACT_CONSUMER_BRANCH, PACT_PROVIDER_VERSION, PACT_PROVIDER_BRANCH
                                            versions and branches (default: from git and CI)
  GITHUB_*, CI_JOB_URL, BUILD_URL, BUILDKITE_BUILD_URL   the build link sent with a publication`;

const EXIT = "Exit codes: 0 done, 2 the command could not be made.";

export const USAGES: Record<BrokerSubcommand, string> = {
  publish: `Usage: npm run contracts:publish [-- [--dir DIR] [--consumer NAME] [PACT.json ...]]

Publishes the consumer pacts of the working folder (default: ./contracts/*.json) with the consumer's
version, branch and build link. Every pact must be the named consumer's: another consumer's pact is
refused (exit 2), never published.

Options:
  --dir DIR        the folder of the pacts (default: ./contracts)
  --consumer NAME  whose pacts they are (default: PACT_CONSUMER, else tenant-console)
  -h, --help       this text

${BROKER_ENV}
${VERSIONS}

${EXIT}`,
  "can-i-deploy": `Usage: npm run contracts:can-i-deploy -- --to-environment ENV [--pacticipant NAME] [--version V]
         [--retry-while-unknown TIMES [--retry-interval SECONDS]] [--dry-run]

Asks the broker whether a version may be deployed to an environment. The answer is yes, no, or
unknown (a verification result is missing, e.g. the provider's build is still running): unknown is
not deployable, as with the official CLI.

Options:
  --to-environment ENV           the environment, e.g. production (required)
  --pacticipant NAME             which side (default: the consumer, PACT_CONSUMER)
  --version V                    which version (default: that side's version from the environment or git)
  --retry-while-unknown TIMES    ask again up to TIMES times while the answer is unknown
  --retry-interval SECONDS       seconds between those tries (the official CLI's default: 10)
  --dry-run                      print the answer and exit 0 whatever it is ("break glass")
  -h, --help                     this text

${BROKER_ENV}
${VERSIONS}

Exit codes: 0 yes, deployable (or --dry-run); 1 no, or unknown; 2 the broker could not be asked.`,
  "record-deployment": `Usage: npm run contracts:record-deployment -- --environment ENV [--pacticipant NAME] [--version V]

Records that a version was deployed to an environment.

Options:
  --environment ENV      the environment, e.g. production (required)
  --pacticipant NAME     which side (default: the consumer, PACT_CONSUMER)
  --version V            which version (default: that side's version from the environment or git)
  -h, --help             this text

${BROKER_ENV}
${VERSIONS}

${EXIT}`,
  "publish-provider-contract": `Usage: npm run contracts:publish-provider-contract [-- --report FILE] [--provider-app-version V]

Publishes spec/tenant-api.openapi.json as the provider contract (PactFlow bi-directional contracts),
with the conformance JSON report as its successful self-verification. Only a PASS of the deployed
API (TENANT_API_BASE_URL) with writes allowed and every check selected is published; any other
report (the embedded provider, read-only, --checks, INCOMPLETE, FAIL) is refused with exit 2.

Options:
  --report FILE                the conformance JSON report (default: reports/conformance.json)
  --provider-app-version V     the provider's version (default: PACT_PROVIDER_VERSION, else git)
  -h, --help                   this text

${BROKER_ENV}
${VERSIONS}

${EXIT}`,
};

/** The `run` of one broker command. */
export function brokerRun(subcommand: BrokerSubcommand) {
  const name = `contracts:${subcommand}`;
  return (argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> =>
    command(name, USAGES[subcommand], argv, env, io, () => run([subcommand, ...argv], env, io, name));
}

async function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, name: string): Promise<number> {
  // Everything printed here, the CLI's own output included, may quote what the broker answered.
  const redactor = new Redactor(envSecrets(env));
  const stdout = new SafeLines(io.stdout, redactor);
  const stderr = new SafeLines(io.stderr, redactor);
  try {
    return await runCommand(argv, env, name, stdout, stderr, io.cwd);
  } finally {
    stdout.flush();
    stderr.flush();
  }
}

async function runCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  name: string,
  stdout: SafeLines,
  stderr: SafeLines,
  cwd: string,
): Promise<number> {
  const out = (line: string) => stdout.write(`${line}\n`);
  const err = (line: string) => stderr.write(`${line}\n`);
  const command = buildCommand(argv, env, undefined, cwd);
  if (command.note) out(command.note);
  out(describeCommand(command));
  await assertReachable(command.config.baseUrl, "Pact broker");
  const result = await runBrokerCli(command, env, { stdout, stderr });
  if (command.answersJson) return canIDeployExit(result, out, err, command.dryRun);
  if (result.code === 0) return EXIT_OK;
  err(`${name}: ${command.tool} ${command.args[0]} failed (exit ${result.code})`);
  return EXIT_TOOL_ERROR;
}
