/**
 * `npm run contracts:publish | contracts:can-i-deploy -- --to-environment ENV |
 * contracts:record-deployment -- --environment ENV`: the official `pact-broker` CLI
 * (@pact-foundation/pact-cli) with the broker, version and branch taken from the environment.
 * Credentials reach the CLI through its environment, never its argument list, and are never
 * printed. A missing broker URL or version is one line on stderr and exit 2; otherwise the exit
 * code is the CLI's (can-i-deploy: 1 means "no").
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { isMain } from "../cli-main.js";
import { describeError, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import {
  type BrokerConfig,
  brokerConfig,
  brokerEnv,
  buildUrl,
  consumerBranch,
  consumerVersion,
  displayUrl,
  type Git,
  systemGit,
} from "./broker-config.js";
import { CONTRACTS_DIR, pactNames } from "./names.js";

export interface BrokerCommand {
  /** Arguments after `pact-broker`, without credentials. */
  args: string[];
  config: BrokerConfig;
}

export function buildCommand(argv: string[], env: NodeJS.ProcessEnv, git: Git = systemGit): BrokerCommand {
  const [command, ...rest] = argv;
  const config = brokerConfig(env);
  const pacticipantDefault = pactNames(env).consumer;
  const base = ["--broker-base-url", config.baseUrl];
  switch (command) {
    case "publish": {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      const version = consumerVersion(env, git);
      const branch = consumerBranch(env, git);
      const build = buildUrl(env);
      const files = positionals.length > 0 ? positionals : [relative(process.cwd(), CONTRACTS_DIR) || "."];
      const args = ["publish", ...files, "--consumer-app-version", version];
      if (branch) args.push("--branch", branch);
      if (build) args.push("--build-url", build);
      return { args: [...args, ...base], config };
    }
    case "can-i-deploy": {
      const { values } = parseArgs({
        args: rest,
        options: { "to-environment": { type: "string" }, pacticipant: { type: "string" }, version: { type: "string" } },
      });
      const environment = values["to-environment"];
      if (!environment) throw new ToolError("CONFIG_MISSING", "--to-environment is required (e.g. --to-environment production)");
      const version = values.version ?? consumerVersion(env, git);
      const pacticipant = values.pacticipant ?? pacticipantDefault;
      return {
        args: ["can-i-deploy", "--pacticipant", pacticipant, "--version", version, "--to-environment", environment, ...base],
        config,
      };
    }
    case "record-deployment": {
      const { values } = parseArgs({
        args: rest,
        options: { environment: { type: "string" }, pacticipant: { type: "string" }, version: { type: "string" } },
      });
      if (!values.environment) throw new ToolError("CONFIG_MISSING", "--environment is required (e.g. --environment production)");
      const version = values.version ?? consumerVersion(env, git);
      const pacticipant = values.pacticipant ?? pacticipantDefault;
      return {
        args: ["record-deployment", "--pacticipant", pacticipant, "--version", version, "--environment", values.environment, ...base],
        config,
      };
    }
    default:
      throw new ToolError(
        "CONFIG_INVALID",
        `unknown command ${JSON.stringify(command ?? "")}: use publish, can-i-deploy or record-deployment`,
      );
  }
}

/** The command line as a human may see it: no credentials, no user info in the URL. */
export function describeCommand({ args, config }: BrokerCommand): string {
  const shown = args.map((arg) => (arg === config.baseUrl ? displayUrl(arg) : arg));
  const auth = config.auth.kind === "token" ? "bearer token" : config.auth.kind === "basic" ? "basic auth" : "no auth";
  return `pact-broker ${shown.join(" ")} (${auth})`;
}

/** Runs the official CLI (a native binary behind a node launcher) with output passed through. */
export function runBrokerCli(command: BrokerCommand, parentEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  const launcher = createRequire(import.meta.url).resolve("@pact-foundation/pact-cli/bin/pact-broker.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...command.args], {
      env: brokerEnv(parentEnv, command.config.auth),
      stdio: "inherit",
    });
    child.once("error", (error) => reject(new ToolError("BROKER_CLI_FAILED", `cannot run pact-broker: ${error.message}`)));
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const command = buildCommand(process.argv.slice(2), process.env);
  console.log(describeCommand(command));
  return runBrokerCli(command);
}

if (isMain(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`contracts: ${describeError(error)}`);
      process.exitCode = EXIT_TOOL_ERROR;
    },
  );
}
