/**
 * `npm run provider [-- --json] [-- --port N]`: serves the reference provider until stopped, with
 * pact's provider-state set-up endpoint so `contracts:verify` can verify every interaction.
 * With --json the first line on stdout is exactly one JSON object describing how to reach it.
 */
import { parseArgs } from "node:util";
import { describeError, EXIT_TOOL_ERROR } from "../errors.js";
import { startProvider } from "./server.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, port: { type: "string" } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const provider = await startProvider({ port, providerStates: true });
  const info = {
    baseUrl: provider.baseUrl,
    providerStatesSetupUrl: provider.providerStatesSetupUrl,
    tokens: provider.tokens,
    orgs: provider.orgs,
    missingOrgId: provider.missingOrgId,
    invalidOrgId: provider.invalidOrgId,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    console.log(`Reference provider listening at ${info.baseUrl}`);
    console.log(`  owner token:     ${info.tokens.owner}  (owner of ${info.orgs.editable})`);
    console.log(`  member token:    ${info.tokens.member}`);
    console.log(`  outsider token:  ${info.tokens.outsider}`);
    console.log(`  admin token:     ${info.tokens.admin}  (admin, not owner, of ${info.orgs.editable})`);
    console.log(`  foreign owner:   ${info.tokens.foreignOwner}  (owner of the foreign org)`);
    console.log(`  foreign org:     ${info.orgs.foreign}`);
    console.log(`  provider states: ${info.providerStatesSetupUrl}  (pact's state set-up endpoint)`);
    console.log(`Try: curl -H "Authorization: Bearer ${info.tokens.owner}" ${info.baseUrl}/api/v1/orgs`);
    console.log("Stop with Ctrl-C.");
  }
  const stop = () => void provider.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`provider: ${describeError(error)}`);
  process.exit(EXIT_TOOL_ERROR);
});
