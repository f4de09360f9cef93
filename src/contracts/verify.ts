/**
 * Provider verification with pact's Verifier, of pact files or of the pacts a broker selects for
 * the provider (consumer version selectors, pending and WIP pacts), optionally publishing every
 * result. Pact does the fetching, the verifying and the publishing; this module only chooses the
 * options and reads the core's report into counts per consumer.
 *
 * Provider states are set up by the provider's own set-up URL, or by handlers (the reference
 * provider's in tests, the live states of src/contracts/live-states.ts) served over the same
 * protocol; with neither, a stand-in refuses every named state. Either way a set-up that fails
 * leaves its interaction "not verified" instead of passing without its state.
 */
import { Verifier, type VerifierOptions } from "@pact-foundation/pact";
import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { isObject } from "../spec/assemble.js";
import type { BrokerConfig } from "./broker-config.js";
import type { RequestFilter } from "./live-states.js";
import type { StateSetup } from "./provider-states.js";
import { startStateSetupServer } from "./state-setup.js";
import { readCoreReport, type VerificationReport } from "./verification-report.js";

export type ConsumerVersionSelector = NonNullable<VerifierOptions["consumerVersionSelectors"]>[number];

export interface BrokerSource {
  broker: BrokerConfig;
  consumerVersionSelectors: ConsumerVersionSelector[];
  /** Also verify work-in-progress pacts published since this date (pending, never fatal). */
  includeWipPactsSince?: string;
}

export interface PublishResults {
  providerVersion: string;
  providerBranch?: string;
  buildUrl?: string;
}

export interface VerifyOptions {
  providerBaseUrl: string;
  /** The provider's name in the pacts and the broker (default: the first pact file's). */
  provider?: string;
  /** Exactly these pact files... */
  pactFiles?: string[];
  /** ...or the pacts the broker selects for the provider. */
  fromBroker?: BrokerSource;
  /** Publish every result to the broker (only with `fromBroker`). */
  publish?: PublishResults;
  /** The branch the provider is built from: the broker matches `matchingBranch` and WIP pacts by it. */
  providerBranch?: string;
  /** In-process handlers keyed by state sentence. */
  stateHandlers?: Record<string, StateSetup>;
  /** A running provider's own state set-up endpoint (pact's {state, params, action} POST). */
  providerStatesSetupUrl?: string;
  /** Sees each request on its way to the provider (pact-js's proxy): the personas of live states. */
  requestFilter?: RequestFilter;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error";
}

export type VerifyOutcome = VerificationReport;

export async function verifyPacts(options: VerifyOptions): Promise<VerifyOutcome> {
  const source = sourceOptions(options);
  // Handlers are served over pact's set-up protocol, not run by pact-js in process: pact-js logs a
  // handler that throws and verifies the interaction anyway, without its state. Over HTTP a refusal
  // (4xx) makes the core report the interaction as not set up. No handlers: every named state is refused.
  const stateServer = options.providerStatesSetupUrl ? undefined : await startStateSetupServer(options.stateHandlers ?? {});
  const setupUrl = options.providerStatesSetupUrl ?? stateServer?.url;
  try {
    const verifier = new Verifier({
      provider: options.provider ?? providerOf(options.pactFiles ?? []),
      providerBaseUrl: options.providerBaseUrl,
      ...source,
      ...publishOptions(options),
      ...(options.requestFilter ? { requestFilter: options.requestFilter as VerifierOptions["requestFilter"] } : {}),
      // Given to the core as is, it replaces pact-js's own state proxy: a set-up that does not answer 2xx
      // leaves the interaction not verified. Requests still go through pact-js's proxy (requestFilter).
      ...(setupUrl === undefined ? {} : { providerStatesSetupUrl: setupUrl }),
      logLevel: options.logLevel ?? "error",
    });
    const text = await withoutBrokerVariables(() =>
      verifier.verifyProvider().then(
        (report) => report,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
    );
    return readCoreReport(text);
  } finally {
    await stateServer?.close();
  }
}

function sourceOptions(options: VerifyOptions): Partial<VerifierOptions> {
  const { pactFiles, fromBroker } = options;
  if (fromBroker === undefined) {
    if (!pactFiles || pactFiles.length === 0) throw new ToolError("CONFIG_MISSING", "no pact files to verify");
    for (const file of pactFiles) readPactJson(file);
    return { pactUrls: pactFiles };
  }
  const { broker } = fromBroker;
  return {
    pactBrokerUrl: broker.baseUrl,
    ...(broker.auth.kind === "token" ? { pactBrokerToken: broker.auth.token } : {}),
    ...(broker.auth.kind === "basic" ? { pactBrokerUsername: broker.auth.username, pactBrokerPassword: broker.auth.password } : {}),
    consumerVersionSelectors: fromBroker.consumerVersionSelectors,
    enablePending: true,
    ...(fromBroker.includeWipPactsSince ? { includeWipPactsSince: fromBroker.includeWipPactsSince } : {}),
    ...(options.providerBranch ? { providerVersionBranch: options.providerBranch } : {}),
    failIfNoPactsFound: true,
  };
}

function publishOptions(options: VerifyOptions): Partial<VerifierOptions> {
  const { publish } = options;
  // Without publishing the option stays absent: pact-js checks for a version whenever it is set.
  if (publish === undefined) return {};
  if (options.fromBroker === undefined) {
    throw new ToolError("CONFIG_INVALID", "verification results can only be published for pacts from a broker (--from-broker)");
  }
  return {
    publishVerificationResult: true,
    providerVersion: publish.providerVersion,
    ...(publish.providerBranch ? { providerVersionBranch: publish.providerBranch } : {}),
    ...(publish.buildUrl ? { buildUrl: publish.buildUrl } : {}),
  };
}

/**
 * pact-js reads PACT_BROKER_* from the environment on its own (a broker source, credentials,
 * publishing): while it runs it sees none, so only the options above decide what is verified and
 * whether anything is published.
 */
async function withoutBrokerVariables<T>(run: () => Promise<T>): Promise<T> {
  const saved = Object.entries(process.env).filter(([name]) => name.startsWith("PACT_BROKER_"));
  for (const [name] of saved) Reflect.deleteProperty(process.env, name);
  try {
    return await run();
  } finally {
    for (const [name, value] of saved) process.env[name] = value;
  }
}

function readPactJson(file: string): Record<string, unknown> {
  const raw = readJsonFile(file, "pact", { unreadable: "PACT_INVALID", invalid: "PACT_INVALID" });
  if (!isObject(raw) || !Array.isArray(raw.interactions))
    throw new ToolError("PACT_INVALID", `${file} is not a pact (needs "interactions")`);
  return raw;
}

/** The core verifier needs the provider's name; a pact carries it. */
function providerOf(pactFiles: string[]): string {
  for (const file of pactFiles) {
    const pact = readPactJson(file);
    if (isObject(pact.provider) && typeof pact.provider.name === "string") return pact.provider.name;
  }
  return "provider";
}
