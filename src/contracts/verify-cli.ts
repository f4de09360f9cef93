/**
 * `npm run contracts:verify -- --provider-base-url URL [--pact FILE]... [--provider-states-setup-url URL]`
 * verifies pacts (default: contracts/*.json) against any running provider. Interactions whose
 * provider states cannot be set up are listed, not failed. Exit 0 verified, 1 verification
 * failed, 2 bad input (one line on stderr).
 */
import { connect } from "node:net";
import { parseArgs } from "node:util";
import { isMain } from "../cli-main.js";
import { describeError, EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { CONTRACTS_DIR, committedPactFiles, pactNames } from "./names.js";
import { verifyPacts } from "./verify.js";

export async function run(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "provider-base-url": { type: "string" },
      pact: { type: "string", multiple: true },
      "provider-states-setup-url": { type: "string" },
      provider: { type: "string" },
    },
  });
  const baseUrl = values["provider-base-url"];
  if (!baseUrl) throw new ToolError("CONFIG_MISSING", "--provider-base-url is required");
  checkUrl(baseUrl, "--provider-base-url");
  const setupUrl = values["provider-states-setup-url"];
  if (setupUrl !== undefined) checkUrl(setupUrl, "--provider-states-setup-url");
  const pactFiles = values.pact ?? committedPactFiles();
  if (pactFiles.length === 0) throw new ToolError("CONFIG_MISSING", `no pact files given and none in ${CONTRACTS_DIR}`);
  await assertReachable(baseUrl);
  let outcome: Awaited<ReturnType<typeof verifyPacts>>;
  try {
    outcome = await verifyPacts({
      providerBaseUrl: baseUrl,
      pactFiles,
      provider: values.provider ?? pactNames().provider,
      providerStatesSetupUrl: setupUrl,
    });
  } catch (error) {
    if (error instanceof ToolError) throw error;
    // The verifier has already printed its report; its error is that report again as JSON.
    out(`verification failed: ${failureSummary(error)}; see the verifier's report above`);
    return EXIT_FINDINGS;
  }
  for (const skipped of outcome.needsSetup) {
    out(`needs provider state set-up, not verified: "${skipped.interaction}" given ${skipped.states.map((s) => `"${s}"`).join(", ")}`);
  }
  out(
    `${outcome.verified} interaction(s) verified; ${outcome.needsSetup.length} need provider state set-up (pass --provider-states-setup-url)`,
  );
  return EXIT_OK;
}

function failureSummary(error: unknown): string {
  try {
    const report = JSON.parse((error as Error).message) as { errors?: unknown[] };
    if (Array.isArray(report.errors)) return `${report.errors.length} interaction(s) failed`;
  } catch {
    // not the verifier's JSON report: fall through to the one-line description
  }
  return describeError(error).slice(0, 300);
}

/** An unreachable provider is "the run could not be made" (exit 2), not 20 failed interactions. */
async function assertReachable(url: string, timeoutMs = 5000): Promise<void> {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port: Number(port || (protocol === "https:" ? 443 : 80)), timeout: timeoutMs });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new ToolError("TARGET_UNREACHABLE", `cannot connect to ${url} (${reason})`));
    };
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("timeout", () => fail(`no answer in ${timeoutMs} ms`));
    socket.once("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}

function checkUrl(value: string, flag: string): void {
  try {
    new URL(value);
  } catch {
    throw new ToolError("CONFIG_INVALID", `${flag} is not a URL: ${value}`);
  }
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
