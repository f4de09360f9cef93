/** Every command of the suite by its npm script name: what the launcher (src/cli/main.ts) can start. */
import { LAUNCHER_LINE } from "../launch.js";
import { brokerRun } from "./broker.js";
import { run as conformance } from "./conformance.js";
import { run as contractsCheck } from "./contracts-check.js";
import { run as contractsVerify } from "./contracts-verify.js";
import type { Command } from "./io.js";
import { run as provider } from "./provider.js";
import { run as specBuild } from "./spec-build.js";
import { run as specTypes } from "./spec-types.js";

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  conformance: { run: conformance, summary: "the conformance gate against the API or the embedded provider" },
  provider: { run: provider, summary: "serve the reference provider until stopped" },
  "spec:build": { run: specBuild, summary: "re-assemble the OpenAPI spec from the docs pages" },
  "spec:types": { run: specTypes, summary: "regenerate the TypeScript types from the spec" },
  "contracts:check": { run: contractsCheck, summary: "check the pact files against the spec, offline" },
  "contracts:verify": { run: contractsVerify, summary: "verify a running provider against pacts (files or broker)" },
  "contracts:publish": { run: brokerRun("publish"), summary: "publish the consumer pacts to the broker" },
  "contracts:can-i-deploy": { run: brokerRun("can-i-deploy"), summary: "ask the broker whether a version may be deployed" },
  "contracts:record-deployment": { run: brokerRun("record-deployment"), summary: "record a deployment in the broker" },
  "contracts:publish-provider-contract": {
    run: brokerRun("publish-provider-contract"),
    summary: "publish the spec as the provider contract with its self-verification",
  },
};

export const LAUNCHER_USAGE = `Usage: ${LAUNCHER_LINE}

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(37)} ${summary}`)
  .join("\n")}

Every command answers --help (or -h) with its options, variables and exit codes.
  --version, -v   print the version of the suite
  --no-color      no ANSI colour in any output, pact's verifier included (as NO_COLOR=1 does; no terminal, no colour)`;
