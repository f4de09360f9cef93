/**
 * `npm run contracts:verify -- --provider-base-url URL [--provider-states-setup-url URL]
 *   ([--pact FILE]... | --from-broker [--publish] [--consumer-version-selectors JSON]
 *   [--include-wip-pacts-since DATE]) [--allow-unverified]`
 *
 * Verifies a running provider against exactly the given pact files (default: contracts/*.json),
 * or against the pacts the broker selects for it, publishing every result with --publish only.
 * Exit 0 when every non-pending interaction verified, 1 when one failed (or could not be set up,
 * unless --allow-unverified), 2 when the run could not be made. The last line has the counts per
 * consumer.
 */
import { parseArgs } from "node:util";
import { isMain } from "../cli-main.js";
import { describeError, EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { brokerConfig, buildUrl, type Git, providerBranch, providerVersion, systemGit } from "./broker-config.js";
import { CONTRACTS_DIR, committedPactFiles, pactNames } from "./names.js";
import { assertReachable } from "./reachable.js";
import { describeTallies, type InteractionProblem } from "./verification-report.js";
import { type ConsumerVersionSelector, type VerifyOptions, verifyPacts } from "./verify.js";

const OPTIONS = {
  "provider-base-url": { type: "string" },
  pact: { type: "string", multiple: true },
  "provider-states-setup-url": { type: "string" },
  provider: { type: "string" },
  "from-broker": { type: "boolean", default: false },
  publish: { type: "boolean", default: false },
  "consumer-version-selectors": { type: "string" },
  "include-wip-pacts-since": { type: "string" },
  "allow-unverified": { type: "boolean", default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];

export async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = console.log,
  git: Git = systemGit,
): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS });
  const options = verifyOptions(values, env, git);
  await assertReachable(options.providerBaseUrl, "provider");
  if (options.fromBroker) await assertReachable(options.fromBroker.broker.baseUrl, "Pact broker");
  const outcome = await verifyPacts(options);
  for (const problem of outcome.problems) out(describeProblem(problem));
  const unverified = outcome.consumers.reduce((sum, t) => sum + t.unverified, 0);
  const failed = outcome.consumers.reduce((sum, t) => sum + t.failed, 0);
  if (unverified > 0 && options.providerStatesSetupUrl === undefined) {
    out("provider states can only be set up through the provider: pass --provider-states-setup-url URL");
  }
  const blocking = failed + (values["allow-unverified"] ? 0 : unverified);
  out(describeTallies(outcome.consumers) + (unverified > 0 && values["allow-unverified"] ? " (unverified allowed)" : ""));
  return blocking > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function verifyOptions(values: Values, env: NodeJS.ProcessEnv, git: Git): VerifyOptions {
  const providerBaseUrl = requireUrl(values["provider-base-url"], "--provider-base-url");
  const setupUrl = values["provider-states-setup-url"];
  const common = {
    providerBaseUrl,
    provider: values.provider ?? pactNames(env).provider,
    ...(setupUrl === undefined ? {} : { providerStatesSetupUrl: requireUrl(setupUrl, "--provider-states-setup-url") }),
  };
  if (!values["from-broker"]) {
    for (const flag of ["publish", "consumer-version-selectors", "include-wip-pacts-since"] as const) {
      if (values[flag] !== undefined && values[flag] !== false) throw new ToolError("CONFIG_INVALID", `--${flag} needs --from-broker`);
    }
    const pactFiles = values.pact ?? committedPactFiles();
    if (pactFiles.length === 0) throw new ToolError("CONFIG_MISSING", `no pact files given and none in ${CONTRACTS_DIR}`);
    return { ...common, pactFiles };
  }
  if (values.pact) throw new ToolError("CONFIG_INVALID", "--pact and --from-broker exclude each other");
  const branch = providerBranch(env, git);
  return {
    ...common,
    fromBroker: {
      broker: brokerConfig(env),
      consumerVersionSelectors: selectors(values["consumer-version-selectors"], branch),
      ...(values["include-wip-pacts-since"] ? { includeWipPactsSince: wipDate(values["include-wip-pacts-since"]) } : {}),
    },
    ...(branch ? { providerBranch: branch } : {}),
    ...(values.publish ? { publish: { providerVersion: providerVersion(env, git), providerBranch: branch, buildUrl: buildUrl(env) } } : {}),
  };
}

/**
 * Pact's recommended default: the consumers' main branch, whatever is deployed or released, and
 * the consumer branch named like the provider's (for features built on both sides at once).
 */
function selectors(json: string | undefined, branch: string | undefined): ConsumerVersionSelector[] {
  if (json === undefined) return [{ mainBranch: true }, { deployedOrReleased: true }, ...(branch ? [{ matchingBranch: true }] : [])];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ToolError("CONFIG_INVALID", "--consumer-version-selectors is not JSON (e.g. '[{\"mainBranch\":true}]')");
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s) => typeof s === "object" && s !== null && !Array.isArray(s))) {
    throw new ToolError("CONFIG_INVALID", "--consumer-version-selectors must be a non-empty JSON array of selector objects");
  }
  return parsed as ConsumerVersionSelector[];
}

function wipDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ToolError("CONFIG_INVALID", `--include-wip-pacts-since needs a date (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireUrl(value: string | undefined, flag: string): string {
  if (!value) throw new ToolError("CONFIG_MISSING", `${flag} is required`);
  try {
    new URL(value);
  } catch {
    throw new ToolError("CONFIG_INVALID", `${flag} is not a URL: ${value}`);
  }
  return value;
}

function describeProblem(problem: InteractionProblem): string {
  const pending = problem.pending ? " [pending pact: does not fail the build]" : "";
  if (problem.kind === "unverified")
    return `not verified (provider state not set up)${pending}: ${problem.consumer} ${problem.interaction}`;
  return `failed${pending}: ${problem.consumer} ${problem.interaction}: ${problem.message}`;
}

if (isMain(import.meta.url)) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`contracts:verify: ${describeError(error)}`);
      process.exitCode = EXIT_TOOL_ERROR;
    },
  );
}
