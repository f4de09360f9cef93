/**
 * `npm run provider [-- --json] [-- --port N]`: serves the reference provider until stopped, with
 * pact's provider-state set-up endpoint so `contracts:verify` can verify every interaction.
 * With --json the first line on stdout is exactly one JSON object describing how to reach it.
 */
import { parseInteger } from "../config/flags.js";
import { ENV } from "../config/settings.js";
import { EXIT_OK, ToolError } from "../errors.js";
import { type ProviderInfo, startProvider } from "../provider/server.js";
import { command, parseCommandLine } from "./args.js";
import type { CliIo } from "./io.js";

export const USAGE = `Usage: npm run provider [-- --json] [-- --port N]

Serves the reference provider (the spec's rules on an in-memory store) on 127.0.0.1 until stopped
(Ctrl-C), with pact's provider-state set-up endpoint. Prints its URL, the personas' tokens and the
\`export TENANT_API_…=\` lines that point the gate at it.

Options:
  --json       print exactly one JSON line: baseUrl, providerStatesSetupUrl, tokens (owner, member, outsider,
               admin, foreignOwner, inferenceKey), orgs, missingOrgId, invalidOrgId
  --port N     listen on port N, an integer from 0 to 65535 (default 0: any free port)
  -h, --help   this text

Exit codes: 0 stopped by SIGINT or SIGTERM, 2 it could not start.`;

export function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  return command("provider", USAGE, argv, env, io, () => serve(argv, io));
}

async function serve(argv: string[], io: CliIo): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const { values } = parseCommandLine(argv, { json: { type: "boolean", default: false }, port: { type: "string" } });
  const port = parseInteger(values.port, "--port", 0, 65535) ?? 0;
  const provider = await startProvider({ port, providerStates: true }).catch((error: NodeJS.ErrnoException) => {
    throw listenError(error, port);
  });
  const info = {
    baseUrl: provider.baseUrl,
    providerStatesSetupUrl: provider.providerStatesSetupUrl,
    tokens: provider.tokens,
    orgs: provider.orgs,
    missingOrgId: provider.missingOrgId,
    invalidOrgId: provider.invalidOrgId,
  };
  if (values.json) {
    out(JSON.stringify(info));
  } else {
    out(`Reference provider listening at ${info.baseUrl}`);
    out(`  owner token:     ${info.tokens.owner}  (owner of ${info.orgs.editable})`);
    out(`  member token:    ${info.tokens.member}`);
    out(`  outsider token:  ${info.tokens.outsider}`);
    out(`  admin token:     ${info.tokens.admin}  (admin, not owner, of ${info.orgs.editable})`);
    out(`  foreign owner:   ${info.tokens.foreignOwner}  (owner of the foreign org)`);
    out(`  foreign org:     ${info.orgs.foreign}`);
    out(`  provider states: ${info.providerStatesSetupUrl}  (pact's state set-up endpoint)`);
    out(`Try: curl -H "Authorization: Bearer ${info.tokens.owner}" ${info.baseUrl}/api/v1/orgs`);
    out("To run the gate against it, paste these in another shell:");
    for (const line of exportLines(info)) out(`  ${line}`);
    out("Stop with Ctrl-C.");
  }
  await stopped(io.stop);
  await provider.close();
  return EXIT_OK;
}

/**
 * The TENANT_API_* variables of the gate for this provider, as lines a shell takes as they are: the
 * tokens are the provider's own, made for this run, not anybody's credentials.
 */
export function exportLines(info: Pick<ProviderInfo, "baseUrl" | "tokens" | "orgs">): string[] {
  const variables: [string, string][] = [
    [ENV.baseUrl, info.baseUrl],
    [ENV.token, info.tokens.owner],
    [ENV.orgId, info.orgs.editable],
    [ENV.memberToken, info.tokens.member],
    [ENV.outsiderToken, info.tokens.outsider],
    [ENV.adminToken, info.tokens.admin],
    [ENV.foreignOrgId, info.orgs.foreign],
    [ENV.foreignToken, info.tokens.foreignOwner],
    [ENV.allowMutations, "1"],
  ];
  return variables.map(([name, value]) => `export ${name}=${value}`);
}

/** A port that cannot be had is bad input: one line and exit 2, never a stack trace. */
function listenError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === "EADDRINUSE")
    return new ToolError("CONFIG_INVALID", `--port ${port}: the port is in use (pick another, or 0 for any free port)`);
  if (error.code === "EACCES")
    return new ToolError("CONFIG_INVALID", `--port ${port}: not allowed to listen there (pick one above 1023, or 0)`);
  return new ToolError("CONFIG_INVALID", `cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}`);
}

/** Resolves on SIGINT or SIGTERM, or when `stop` aborts (a test's Ctrl-C). */
function stopped(stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      stop?.removeEventListener("abort", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
    if (stop?.aborted) done();
    else stop?.addEventListener("abort", done);
  });
}
