/**
 * The broker commands (src/cli/broker.ts) as calls of the official `pact-broker` and `pactflow`
 * CLIs (@pact-foundation/pact-cli), with the broker, version and branch taken from the environment.
 * Credentials reach the CLI through its environment, never its argument list, and are never
 * printed.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { relative } from "node:path";
import { parseCommandLine, parseInteger } from "../config/flags.js";
import { EXIT_FINDINGS, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { isObject } from "../spec/assemble.js";
import { SPEC_PATH } from "../spec/paths.js";
import {
  type BrokerConfig,
  brokerConfig,
  brokerEnv,
  buildUrl,
  consumerBranch,
  consumerVersion,
  type Git,
  providerBranch,
  providerVersion,
  systemGit,
} from "./broker-config.js";
import { assertConsumer, pactFilesOf, pactNames, workingContractsDir } from "./names.js";
import { DEFAULT_REPORT, selfVerification } from "./provider-contract.js";

export interface BrokerCommand {
  tool: "pact-broker" | "pactflow";
  /** Arguments after the tool's name, without credentials. */
  args: string[];
  config: BrokerConfig;
  /** can-i-deploy asks for JSON: its answer, not the CLI's exit code, tells "no" from "could not ask". */
  answersJson?: boolean;
  /** can-i-deploy --dry-run: the answer is printed, and the exit is 0 whatever it is (as the official CLI). */
  dryRun?: boolean;
  /** Printed before the command runs (e.g. the evidence a provider contract is published with). */
  note?: string;
  /** The folder the CLI runs in (the user's working folder): the file arguments are relative to it. */
  cwd?: string;
}

const WHICH_VERSION = { pacticipant: { type: "string" }, version: { type: "string" } } as const;

/** Each command's flags, read before the broker's settings so a bad flag is named first. */
const FLAGS = {
  // The folder of the pacts (default ./contracts) and whose they must be (default PACT_CONSUMER).
  publish: { dir: { type: "string" }, consumer: { type: "string" } },
  // The official can-i-deploy's own names: polling while results are unknown, and the "break glass" dry run.
  "can-i-deploy": {
    "to-environment": { type: "string" },
    ...WHICH_VERSION,
    "retry-while-unknown": { type: "string" },
    "retry-interval": { type: "string" },
    "dry-run": { type: "boolean" },
  },
  "record-deployment": { environment: { type: "string" }, ...WHICH_VERSION },
  "publish-provider-contract": { report: { type: "string" }, "provider-app-version": { type: "string" } },
} as const;

export function buildCommand(argv: string[], env: NodeJS.ProcessEnv, git: Git = systemGit, cwd: string = process.cwd()): BrokerCommand {
  const [command, ...rest] = argv;
  if (command !== undefined && command in FLAGS) parseCommandLine(rest, FLAGS[command as keyof typeof FLAGS], command === "publish");
  const config = brokerConfig(env);
  const names = pactNames(env);
  const base = ["--broker-base-url", config.baseUrl];
  /** The version of whichever side is named: the provider's variables for the provider, else the consumer's. */
  const versionOf = (pacticipant: string) => (pacticipant === names.provider ? providerVersion(env, git) : consumerVersion(env, git));
  switch (command) {
    case "publish": {
      const { values, positionals } = parseCommandLine(rest, FLAGS.publish, true);
      const files = pactFilesOf(positionals, workingContractsDir(cwd, values.dir), cwd);
      assertConsumer(files, values.consumer ?? names.consumer, consumerSource(values.consumer, env));
      const version = consumerVersion(env, git);
      const branch = consumerBranch(env, git);
      const build = buildUrl(env);
      const args = ["publish", ...files.map((file) => relative(cwd, file) || file), "--consumer-app-version", version];
      if (branch) args.push("--branch", branch);
      if (build) args.push("--build-url", build);
      return { tool: "pact-broker", args: [...args, ...base], config, cwd };
    }
    case "can-i-deploy": {
      const { values } = parseCommandLine(rest, FLAGS["can-i-deploy"]);
      const environment = values["to-environment"];
      if (!environment) throw new ToolError("CONFIG_MISSING", "--to-environment is required (e.g. --to-environment production)");
      const pacticipant = values.pacticipant ?? names.consumer;
      const version = values.version ?? versionOf(pacticipant);
      const retries = parseInteger(values["retry-while-unknown"], "--retry-while-unknown", 0, 1_000);
      const interval = parseInteger(values["retry-interval"], "--retry-interval", 0, 3_600);
      if (interval !== undefined && retries === undefined) {
        throw new ToolError("CONFIG_INVALID", "--retry-interval goes with --retry-while-unknown TIMES (how often to ask again)");
      }
      const polling = [
        ...(retries === undefined ? [] : ["--retry-while-unknown", String(retries)]),
        ...(interval === undefined ? [] : ["--retry-interval", String(interval)]),
      ];
      const args = ["can-i-deploy", "--pacticipant", pacticipant, "--version", version, "--to-environment", environment, ...polling];
      return {
        tool: "pact-broker",
        args: [...args, ...(values["dry-run"] ? ["--dry-run"] : []), "--output", "json", ...base],
        config,
        answersJson: true,
        ...(values["dry-run"] ? { dryRun: true } : {}),
      };
    }
    case "record-deployment": {
      const { values } = parseCommandLine(rest, {
        environment: { type: "string" },
        pacticipant: { type: "string" },
        version: { type: "string" },
      });
      if (!values.environment) throw new ToolError("CONFIG_MISSING", "--environment is required (e.g. --environment production)");
      const pacticipant = values.pacticipant ?? names.consumer;
      const version = values.version ?? versionOf(pacticipant);
      return {
        tool: "pact-broker",
        args: ["record-deployment", "--pacticipant", pacticipant, "--version", version, "--environment", values.environment, ...base],
        config,
      };
    }
    case "publish-provider-contract": {
      const { values } = parseCommandLine(rest, FLAGS["publish-provider-contract"]);
      const report = values.report ?? DEFAULT_REPORT;
      const evidence = selfVerification(report);
      const branch = providerBranch(env, git);
      const build = buildUrl(env);
      const args = [
        "publish-provider-contract",
        relative(process.cwd(), SPEC_PATH) || SPEC_PATH,
        "--provider",
        names.provider,
        "--provider-app-version",
        values["provider-app-version"] ?? providerVersion(env, git),
        "--content-type",
        "application/json",
        "--verification-success", // selfVerification refuses (exit 2) any report that is not a passing run of the deployed API
        "--verification-results",
        report,
        "--verification-results-content-type",
        "application/json",
        "--verification-results-format",
        "json",
        "--verifier",
        "tenant-api-conformance",
      ];
      if (branch) args.push("--branch", branch);
      if (build) args.push("--build-url", build);
      const note = `self-verification from ${report}: success (${evidence.summary})`;
      return { tool: "pactflow", args: [...args, ...base], config, note };
    }
    default:
      throw new ToolError(
        "CONFIG_INVALID",
        `unknown command ${JSON.stringify(command ?? "")}: use publish, can-i-deploy, record-deployment or publish-provider-contract`,
      );
  }
}

/** Where the consumer's name came from, for the message that refuses another consumer's pact. */
function consumerSource(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined) return "--consumer";
  return env.PACT_CONSUMER?.trim() ? "PACT_CONSUMER" : "the default; set PACT_CONSUMER or --consumer NAME";
}

/** The command line as a human may see it: the URL carries no credentials (brokerConfig refuses them). */
export function describeCommand({ tool, args, config }: BrokerCommand): string {
  const auth = config.auth.kind === "token" ? "bearer token" : config.auth.kind === "basic" ? "basic auth" : "no auth";
  return `${tool} ${args.join(" ")} (${auth})`;
}

export interface CliRun {
  code: number;
  /** What the CLI wrote to stdout when it was captured (answersJson), else "". */
  stdout: string;
}

/** Where the CLI's own output goes when it is not captured. */
export interface OutputStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs the official CLI (a native binary behind a node launcher); stdout is captured for JSON answers. */
export function runBrokerCli(
  command: BrokerCommand,
  parentEnv: NodeJS.ProcessEnv = process.env,
  streams: OutputStreams = process,
): Promise<CliRun> {
  const launcher = brokerCliPath(command.tool);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...command.args], {
      ...(command.cwd ? { cwd: command.cwd } : {}),
      env: brokerEnv(parentEnv, command.config.auth),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    // Decoded as streams, so a character split across two chunks arrives whole; the caller's
    // streams redact (src/cli/safe-lines.ts): the CLI prints what the broker answered.
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      if (command.answersJson) stdout += chunk;
      else streams.stdout.write(chunk);
    });
    child.stderr?.on("data", (chunk: string) => streams.stderr.write(chunk));
    child.once("error", (error) => reject(new ToolError("BROKER_CLI_FAILED", `cannot run ${command.tool}: ${error.message}`)));
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout }));
  });
}

/** The official CLI's launcher: a dev dependency here, an optional companion of the installed package. */
function brokerCliPath(tool: string): string {
  try {
    return createRequire(import.meta.url).resolve(`@pact-foundation/pact-cli/bin/${tool}.js`);
  } catch {
    throw new ToolError(
      "BROKER_CLI_FAILED",
      `${tool} needs @pact-foundation/pact-cli beside this tool: npm install @pact-foundation/pact-cli`,
    );
  }
}

/**
 * can-i-deploy's JSON answer, as the official CLI reads it: `summary.deployable` true is "yes" (0);
 * false is "no" (1); null is "unknown" (1, not deployable: a verification result is missing, e.g. the
 * provider's build is still running; --retry-while-unknown waits for it). With --dry-run the answer is
 * printed and the exit is 0. Anything else (an error, no JSON at all) means the broker could not be
 * asked: exit 2, with the CLI's words.
 */
export function canIDeployExit(
  run: CliRun,
  out: (line: string) => void,
  err: (line: string) => void = console.error,
  dryRun = false,
): number {
  let answer: unknown;
  try {
    answer = JSON.parse(run.stdout);
  } catch {
    answer = undefined;
  }
  const summary = isObject(answer) && isObject(answer.summary) ? answer.summary : undefined;
  if (!summary || (typeof summary.deployable !== "boolean" && summary.deployable !== null)) {
    if (run.stdout.trim()) err(run.stdout.trim());
    err(`contracts: can-i-deploy could not ask the broker (pact-broker exited ${run.code})`);
    return EXIT_TOOL_ERROR;
  }
  for (const notice of isObject(answer) && Array.isArray(answer.notices) ? answer.notices : []) {
    if (isObject(notice) && typeof notice.text === "string") out(notice.text);
  }
  const reason = typeof summary.reason === "string" ? summary.reason : "";
  const unknown = typeof summary.unknown === "number" ? ` (${summary.unknown} verification result(s) unknown)` : "";
  const said =
    summary.deployable === true
      ? "yes, deployable"
      : summary.deployable === false
        ? "no, not deployable"
        : `unknown, so not deployable${unknown}; --retry-while-unknown TIMES --retry-interval SECONDS waits for the results`;
  out(`${dryRun ? "dry run (exit 0 whatever the answer): " : ""}${said}: ${reason}`);
  return summary.deployable === true || dryRun ? EXIT_OK : EXIT_FINDINGS;
}
