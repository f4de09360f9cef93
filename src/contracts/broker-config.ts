/**
 * Where and as whom to talk to the Pact broker, and which consumer or provider version and branch
 * to publish, from the environment (and git as the fallback for version and branch). Nothing here
 * prints or returns a secret in a message: errors name the variable, never its value.
 */
import { execFileSync } from "node:child_process";
import { ToolError } from "../errors.js";

export type BrokerAuth = { kind: "token"; token: string } | { kind: "basic"; username: string; password: string } | { kind: "none" };

export interface BrokerConfig {
  baseUrl: string;
  auth: BrokerAuth;
}

/** Runs git and returns its trimmed output, or undefined when git fails (no repo, no git). */
export type Git = (args: string[]) => string | undefined;

export const systemGit: Git = (args) => {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
};

export function brokerConfig(env: NodeJS.ProcessEnv): BrokerConfig {
  const baseUrl = env.PACT_BROKER_BASE_URL?.trim();
  if (!baseUrl) throw new ToolError("CONFIG_MISSING", "PACT_BROKER_BASE_URL is not set (the Pact broker to talk to)");
  const url = parseUrl(baseUrl);
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ToolError("CONFIG_INVALID", "PACT_BROKER_BASE_URL is not an http(s) URL");
  }
  // A URL travels on command lines and into the clients' messages; credentials must not ride along.
  if (url.username !== "" || url.password !== "") {
    throw new ToolError(
      "CONFIG_INVALID",
      "PACT_BROKER_BASE_URL must not contain credentials: put them in PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD (or PACT_BROKER_TOKEN)",
    );
  }
  return { baseUrl, auth: brokerAuth(env) };
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A token wins over basic auth; a username without a password is a mistake worth stopping for. */
function brokerAuth(env: NodeJS.ProcessEnv): BrokerAuth {
  const token = env.PACT_BROKER_TOKEN?.trim();
  if (token) return { kind: "token", token };
  const username = env.PACT_BROKER_USERNAME;
  const password = env.PACT_BROKER_PASSWORD;
  if (username && password) return { kind: "basic", username, password };
  if (username || password) throw new ToolError("CONFIG_MISSING", "PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD must be set together");
  return { kind: "none" };
}

export type Side = "consumer" | "provider";

/** PACT_CONSUMER_VERSION or PACT_PROVIDER_VERSION, else the git commit. */
export function pacticipantVersion(side: Side, env: NodeJS.ProcessEnv, git: Git = systemGit): string {
  const variable = `PACT_${side.toUpperCase()}_VERSION`;
  const version = env[variable]?.trim() || git(["rev-parse", "HEAD"]);
  if (!version) throw new ToolError("CONFIG_MISSING", `no ${side} version: set ${variable} or run inside a git checkout`);
  return version;
}

/** PACT_CONSUMER_BRANCH or PACT_PROVIDER_BRANCH, else CI's branch (a detached checkout has none), else git's. */
export function pacticipantBranch(side: Side, env: NodeJS.ProcessEnv, git: Git = systemGit): string | undefined {
  const explicit = env[`PACT_${side.toUpperCase()}_BRANCH`]?.trim() || env.GITHUB_HEAD_REF?.trim() || env.GITHUB_REF_NAME?.trim();
  if (explicit) return explicit;
  const branch = git(["rev-parse", "--abbrev-ref", "HEAD"]);
  return branch && branch !== "HEAD" ? branch : undefined;
}

export const consumerVersion = (env: NodeJS.ProcessEnv, git: Git = systemGit) => pacticipantVersion("consumer", env, git);
export const consumerBranch = (env: NodeJS.ProcessEnv, git: Git = systemGit) => pacticipantBranch("consumer", env, git);
export const providerVersion = (env: NodeJS.ProcessEnv, git: Git = systemGit) => pacticipantVersion("provider", env, git);
export const providerBranch = (env: NodeJS.ProcessEnv, git: Git = systemGit) => pacticipantBranch("provider", env, git);

/** The CI run that produced the pact, when CI says so (GitHub Actions, GitLab, Jenkins, Buildkite). */
export function buildUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  return env.CI_JOB_URL || env.BUILD_URL || env.BUILDKITE_BUILD_URL || undefined;
}

/** The child process's environment: the chosen credentials only, via the CLI's own variables. */
export function brokerEnv(parent: NodeJS.ProcessEnv, auth: BrokerAuth): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) if (!name.startsWith("PACT_BROKER_")) env[name] = value;
  if (auth.kind === "token") env.PACT_BROKER_TOKEN = auth.token;
  if (auth.kind === "basic") {
    env.PACT_BROKER_USERNAME = auth.username;
    env.PACT_BROKER_PASSWORD = auth.password;
  }
  return env;
}
