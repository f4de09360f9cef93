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
import { resolve } from "node:path";
import { ENV, parseSettings } from "../config/settings.js";
import { notRestoredText } from "../conformance/safety/restore.js";
import { brokerConfig, buildUrl, type Git, providerBranch, providerVersion, systemGit } from "../contracts/broker-config.js";
import { type LiveStates, liveStates, NEEDS_ENDPOINT, type Restored } from "../contracts/live-states.js";
import { CONTRACTS_DIR, committedPactFiles, pactNames } from "../contracts/names.js";
import { assertReachable } from "../contracts/reachable.js";
import { describeTallies, type InteractionProblem } from "../contracts/verification-report.js";
import { type ConsumerVersionSelector, type VerifyOptions, type VerifyOutcome, verifyPacts } from "../contracts/verify.js";
import { EXIT_FINDINGS, EXIT_NOT_RESTORED, EXIT_OK, ToolError } from "../errors.js";
import { CONFORMANCE_COMMAND } from "../launch.js";
import { command, parseCommandLine } from "./args.js";
import { PLAIN_CHILD_MARK } from "./colour.js";
import type { CliIo } from "./io.js";

export const USAGE = `Usage: npm run contracts:verify -- --provider-base-url URL [--provider-states-setup-url URL]
         ([--pact FILE]... | --from-broker [--publish] [--consumer-version-selectors JSON]
         [--include-wip-pacts-since DATE]) [--allow-unverified]

Verifies a running provider against the given pact files (default: contracts/*.json), or against
the pacts the broker selects for it.

Options:
  --provider-base-url URL            the provider to verify (required)
  --provider-states-setup-url URL    its provider-state set-up endpoint (npm run provider prints it); without
                                     it the states the TENANT_API_* personas and the API can provide are set
                                     up through the API (the test org's writes journalled and restored)
  --pact FILE                        a pact file to verify (repeatable)
  --provider NAME                    the provider's name (default: PACT_PROVIDER or tenant-api)
  --from-broker                      verify the pacts the broker selects (needs PACT_BROKER_BASE_URL)
  --publish                          publish the results to the broker (with --from-broker); never when an
                                     interaction's provider state could not be set up
  --consumer-version-selectors JSON  which consumer versions (default: main branch, deployed or released)
  --include-wip-pacts-since DATE     also verify work-in-progress pacts since YYYY-MM-DD
  --allow-unverified                 interactions whose provider state was not set up do not fail
  -h, --help                         this text

Environment:
  TENANT_API_BASE_URL (the provider's URL), TENANT_API_TOKEN, TENANT_API_ORG_ID, TENANT_API_MEMBER_TOKEN,
  TENANT_API_OUTSIDER_TOKEN, TENANT_API_FOREIGN_ORG_ID, TENANT_API_ALLOW_MUTATIONS: the personas of live states
  PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD
  PACT_PROVIDER, PACT_PROVIDER_VERSION, PACT_PROVIDER_BRANCH (else from git and CI)
  GITHUB_*, CI_JOB_URL, BUILD_URL or BUILDKITE_BUILD_URL (the build link published with results)

Exit codes: 0 every non-pending interaction verified, 1 one failed (or was not set up), 2 the run
could not be made, 3 the test org written by live states could not be restored.`;

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

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>["values"];

export function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, git: Git = systemGit): Promise<number> {
  return command("contracts:verify", USAGE, argv, env, io, () => verify(argv, env, io, git));
}

async function verify(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, git: Git): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const { values } = parseCommandLine(argv, OPTIONS);
  const options = verifyOptions(values, env, git, io.cwd);
  await assertReachable(options.providerBaseUrl, "provider");
  if (options.fromBroker) await assertReachable(options.fromBroker.broker.baseUrl, "Pact broker");
  // No set-up endpoint: the states the personas and the API can provide are set up through the API.
  const live = options.providerStatesSetupUrl === undefined ? liveStatesOf(env, options.providerBaseUrl) : undefined;
  const withStates: VerifyOptions = live ? { ...options, stateHandlers: live.handlers, requestFilter: live.requestFilter } : options;
  let outcome: VerifyOutcome;
  let restored: Restored | undefined;
  try {
    outcome = await verifyAndPublish(withStates, out);
  } finally {
    restored = await live?.finish(); // whatever happened, the org goes back
  }
  if (restored && !restored.outcome.verified) {
    // The journal stays: the gate's own --restore puts the org back from it.
    io.stderr.write(notRestoredText(restored.outcome.message, restored.before, `${CONFORMANCE_COMMAND} --restore`));
    return EXIT_NOT_RESTORED;
  }
  if (restored) out(`the test org: RESTORED ${restored.outcome.message}`);
  for (const problem of outcome.problems) out(describeProblem(problem));
  const unverified = outcome.consumers.reduce((sum, t) => sum + t.unverified, 0);
  const failed = outcome.consumers.reduce((sum, t) => sum + t.failed, 0);
  for (const [state, reason] of live?.refusals ?? []) out(`provider state not set up: "${state}": ${reason}`);
  if (unverified > 0 && options.providerStatesSetupUrl === undefined) out(missingStatesLine(live !== undefined));
  const blocking = failed + (values["allow-unverified"] ? 0 : unverified);
  out(describeTallies(outcome.consumers) + (unverified > 0 && values["allow-unverified"] ? " (unverified allowed)" : ""));
  return blocking > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * Without a set-up endpoint some states may not be set up, and a result the broker gets must not say
 * "failed" for an interaction that only lacked its state: the run is made without publishing first,
 * and only when every interaction had its state is it made again, publishing.
 */
async function verifyAndPublish(options: VerifyOptions, out: (line: string) => void): Promise<VerifyOutcome> {
  if (options.publish === undefined || options.providerStatesSetupUrl !== undefined) return verifyPacts(options);
  const { publish: _publish, ...unpublished } = options;
  const trial = await verifyPacts(unpublished);
  const unverified = trial.consumers.reduce((sum, t) => sum + t.unverified, 0);
  if (unverified === 0) return verifyPacts(options);
  out(
    `not published: ${unverified} interaction(s) could not have their provider state set up, and the broker must not record them as failed; ` +
      "give the provider's set-up endpoint (--provider-states-setup-url URL) to verify and publish them",
  );
  return trial;
}

/** The TENANT_API_* personas, for a verification of that same API; undefined when none is configured. */
function liveStatesOf(env: NodeJS.ProcessEnv, providerBaseUrl: string): LiveStates | undefined {
  const configured = Object.values(ENV).some((name) => name !== ENV.stateDir && env[name]?.trim());
  if (!configured) return undefined;
  // The launcher's mark of its plain child is its own variable, not a setting of the gate.
  const { [PLAIN_CHILD_MARK]: _mark, ...settingsEnv } = env;
  const settings = parseSettings([], settingsEnv);
  const same = (url: string | undefined) => url?.replace(/\/+$/, "");
  if (same(settings.baseUrl) !== same(providerBaseUrl)) {
    throw new ToolError(
      "CONFIG_INVALID",
      `the personas (${ENV.baseUrl}) are for ${settings.baseUrl}, but --provider-base-url is ${providerBaseUrl}: they must name the same API`,
    );
  }
  return liveStates(settings, providerBaseUrl);
}

function missingStatesLine(live: boolean): string {
  const endpointOnly = Object.entries(NEEDS_ENDPOINT).map(([state, reason]) => `"${state}" (${reason})`);
  const personas = live ? "" : `, or set ${ENV.baseUrl}, ${ENV.token} and the other personas to set up the states the API can provide`;
  return `provider states not set up: pass --provider-states-setup-url URL${personas}; only the provider's endpoint can set up ${endpointOnly.join(" and ")}`;
}

function verifyOptions(values: Values, env: NodeJS.ProcessEnv, git: Git, cwd: string): VerifyOptions {
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
    const pactFiles = values.pact?.map((file) => resolve(cwd, file)) ?? committedPactFiles();
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
