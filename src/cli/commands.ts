/**
 * Every command of the suite by its npm script name: what the launcher (src/cli/main.ts) can start.
 * Each command's module is loaded when that command runs, not before: the launcher of `conformance`
 * never loads pact's native core, and `--version` loads no command at all (a process started per run,
 * in CI and in this suite's own tests, pays only for what it runs).
 */
import { LAUNCHER_LINE } from "../launch.js";
import type { Command } from "./io.js";

/** A command whose module is imported on its first run. */
function loaded(load: () => Promise<Command>): Command {
  return async (argv, env, io) => (await load())(argv, env, io);
}

const broker = (name: "publish" | "can-i-deploy" | "record-deployment" | "publish-provider-contract") =>
  loaded(async () => (await import("./broker.js")).brokerRun(name));

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  conformance: {
    run: loaded(async () => (await import("./conformance.js")).run),
    summary: "the conformance gate against the API or the embedded provider",
  },
  provider: { run: loaded(async () => (await import("./provider.js")).run), summary: "serve the reference provider until stopped" },
  "spec:build": {
    run: loaded(async () => (await import("./spec-build.js")).run),
    summary: "re-assemble the OpenAPI spec from the docs pages",
  },
  "spec:types": {
    run: loaded(async () => (await import("./spec-types.js")).run),
    summary: "regenerate the TypeScript types from the spec",
  },
  "contracts:check": {
    run: loaded(async () => (await import("./contracts-check.js")).run),
    summary: "check the pact files against the spec, offline",
  },
  "contracts:verify": {
    run: loaded(async () => (await import("./contracts-verify.js")).run),
    summary: "verify a running provider against pacts (files or broker)",
  },
  "contracts:publish": { run: broker("publish"), summary: "publish the consumer pacts to the broker" },
  "contracts:can-i-deploy": { run: broker("can-i-deploy"), summary: "ask the broker whether a version may be deployed" },
  "contracts:record-deployment": { run: broker("record-deployment"), summary: "record a deployment in the broker" },
  "contracts:publish-provider-contract": {
    run: broker("publish-provider-contract"),
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
