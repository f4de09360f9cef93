/**
 * The suite's settings, from environment variables (the contract CI relies on), a `.env` file (only
 * for variables not already set) and flags. Invalid input is a ToolError: one line, exit 2.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs, parseEnv } from "node:util";
import { ToolError } from "../errors.js";

export interface Settings {
  /** Server URL including `/tenant`; undefined: run against the embedded reference provider. */
  baseUrl?: string;
  token?: string;
  orgId?: string;
  memberToken?: string;
  outsiderToken?: string;
  inferenceKey?: string;
  foreignOrgId?: string;
  missingOrgId?: string;
  invalidOrgId?: string;
  allowMutations: boolean;
  readOnly: boolean;
  restore: boolean;
  reportDir: string;
  timeoutMs: number;
  journalPath: string;
  /** Seed of the generated PATCH bodies (undefined: a fresh one, printed for replay). */
  seed?: number;
  /** How many generated PATCH bodies to send (undefined: the default). */
  runs?: number;
  /** Reads and refused probes in flight at once (undefined: the request plan's default; 1: one request at a time). */
  concurrency?: number;
}

export const ENV = {
  baseUrl: "TENANT_API_BASE_URL",
  token: "TENANT_API_TOKEN",
  orgId: "TENANT_API_ORG_ID",
  memberToken: "TENANT_API_MEMBER_TOKEN",
  outsiderToken: "TENANT_API_OUTSIDER_TOKEN",
  inferenceKey: "TENANT_API_INFERENCE_KEY",
  foreignOrgId: "TENANT_API_FOREIGN_ORG_ID",
  missingOrgId: "TENANT_API_MISSING_ORG_ID",
  invalidOrgId: "TENANT_API_INVALID_ORG_ID",
  allowMutations: "TENANT_API_ALLOW_MUTATIONS",
} as const;

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Reads `.env` from the working directory; real environment variables win. */
export function withDotEnv(env: NodeJS.ProcessEnv, path = ".env"): NodeJS.ProcessEnv {
  if (!existsSync(path)) return env;
  let fromFile: NodeJS.Dict<string>;
  try {
    fromFile = parseEnv(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ToolError("CONFIG_INVALID", `cannot read ${path}: ${(error as Error).message}`);
  }
  return { ...fromFile, ...env };
}

export function parseSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flags = parseFlags(argv);
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const baseUrl = read(ENV.baseUrl);
  const settings: Settings = {
    baseUrl: baseUrl === undefined ? undefined : checkBaseUrl(baseUrl),
    token: read(ENV.token),
    orgId: read(ENV.orgId),
    memberToken: read(ENV.memberToken),
    outsiderToken: read(ENV.outsiderToken),
    inferenceKey: read(ENV.inferenceKey),
    foreignOrgId: read(ENV.foreignOrgId),
    missingOrgId: read(ENV.missingOrgId),
    invalidOrgId: read(ENV.invalidOrgId),
    allowMutations: parseFlag(read(ENV.allowMutations), ENV.allowMutations),
    readOnly: flags["read-only"] === true,
    restore: flags.restore === true,
    reportDir: (flags["report-dir"] as string | undefined) ?? "reports",
    timeoutMs: parseTimeout(flags["timeout-ms"] as string | undefined),
    journalPath: (flags.journal as string | undefined) ?? ".conformance-journal.json",
    seed: parseInteger(flags.seed as string | undefined, "--seed", 0, 2 ** 31 - 1),
    runs: parseInteger(flags.runs as string | undefined, "--runs", 0, 100_000),
    concurrency: parseInteger(flags.concurrency as string | undefined, "--concurrency", 1, 64),
  };
  if (settings.baseUrl !== undefined && settings.token === undefined) {
    throw new ToolError("CONFIG_MISSING", `${ENV.token} is required when ${ENV.baseUrl} is set`);
  }
  if (settings.restore && settings.baseUrl === undefined) {
    throw new ToolError("CONFIG_MISSING", `--restore needs ${ENV.baseUrl} (the embedded provider keeps nothing to restore)`);
  }
  return settings;
}

function parseFlags(argv: string[]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({
      args: argv,
      options: {
        "report-dir": { type: "string" },
        "read-only": { type: "boolean" },
        restore: { type: "boolean" },
        "timeout-ms": { type: "string" },
        journal: { type: "string" },
        seed: { type: "string" },
        runs: { type: "string" },
        concurrency: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new ToolError("CONFIG_INVALID", (error as Error).message.split("\n")[0] ?? "invalid flags");
  }
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ToolError("CONFIG_INVALID", `${ENV.baseUrl} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ToolError("CONFIG_INVALID", `${ENV.baseUrl} must be http(s), got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ToolError("CONFIG_INVALID", `${ENV.baseUrl} must not carry credentials; use ${ENV.token}`);
  }
  if (url.search || url.hash) throw new ToolError("CONFIG_INVALID", `${ENV.baseUrl} must not have a query or fragment`);
  return url.href.replace(/\/+$/, "");
}

function parseFlag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new ToolError("CONFIG_INVALID", `${name} must be 1 or 0, got ${JSON.stringify(value)}`);
}

function parseTimeout(value: string | undefined): number {
  return parseInteger(value, "--timeout-ms", 100, 600_000) ?? DEFAULT_TIMEOUT_MS;
}

function parseInteger(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ToolError("CONFIG_INVALID", `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** The secrets as the environment holds them, before any parsing, so even a config error is redacted. */
export function secretsInEnv(env: NodeJS.ProcessEnv): string[] {
  return [ENV.token, ENV.memberToken, ENV.outsiderToken, ENV.inferenceKey].flatMap((name) => env[name]?.trim() || []);
}
