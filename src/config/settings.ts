/**
 * The suite's settings, from environment variables (the contract CI relies on), a `.env` file (only
 * for variables not already set) and flags. Invalid input is a ToolError: one line, exit 2.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closest } from "fastest-levenshtein";
import { ToolError } from "../errors.js";
import { DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_PATIENCE_MS, type ProxySettings } from "../http/transport.js";
import { parseDotEnv } from "./dotenv.js";
import { flagError, joinNegativeNumbers, parseInteger } from "./flags.js";
import { defaultStateDir } from "./state-dir.js";

export interface Settings {
  /** Server URL including `/tenant`; undefined: run against the embedded reference provider. */
  baseUrl?: string;
  token?: string;
  orgId?: string;
  memberToken?: string;
  outsiderToken?: string;
  /** An admin of the org who is not its owner. */
  adminToken?: string;
  /** The owner of the foreign org, to see that a refused write left it untouched. */
  foreignToken?: string;
  inferenceKey?: string;
  foreignOrgId?: string;
  missingOrgId?: string;
  invalidOrgId?: string;
  allowMutations: boolean;
  readOnly: boolean;
  restore: boolean;
  /** `--restore --accept-current`: take the org as it now reads and clear its journal (a value the API now stores differently). */
  acceptCurrent: boolean;
  reportDir: string;
  timeoutMs: number;
  /** --max-retry-after-ms: the longest Retry-After a request waits for; a longer one is not (the answer is the infrastructure's). */
  maxRetryAfterMs: number;
  /** --patience-ms: how long one request of the checks keeps resending through the infrastructure's answers. */
  patienceMs: number;
  /** `--journal FILE`: where a copy of the journal goes (the record itself is always in `stateDir`). */
  journalPath?: string;
  /** The host-wide directory of every target's lock and journal (src/config/state-dir.ts). */
  stateDir: string;
  /** `--state-dir DIR` as given, for the restore command a failed run prints (a variable stays set). */
  stateDirFlag?: string;
  /** How long to wait for another run's lock on the same org before exit 2. */
  lockWaitMs: number;
  /**
   * `--same-api`: the user says that a lock or journal of this org under another URL is of this very API
   * (another spelling of its URL): the lock is waited for, and `--restore` applies the journal here.
   */
  sameApi: boolean;
  /** Seed of the generated PATCH bodies (undefined: a fresh one, printed for replay). */
  seed?: number;
  /** How many generated PATCH bodies to send (undefined: the default). */
  runs?: number;
  /** `--model-sequences N`: the model-based run's sequence count, pinned (undefined: from --runs and the latency budget). */
  modelSequences?: number;
  /** `--generated-bodies N`: how many of the --runs generated bodies are sent, pinned (undefined: all, fewer on a slow API). */
  generatedBodies?: number;
  /** --baseline: the conformance.json of an earlier run to compare with. */
  baselinePath?: string;
  /** --fail-on: `any` (default) fails on every finding not accepted as known; `new` only on new ones. */
  failOn: "new" | "any";
  /** --known-issues: a JSON file of accepted findings (schemas/known-issues.schema.json). */
  knownIssuesPath?: string;
  /** --fail-on-skip: a skipped check fails the gate (exit 1). */
  failOnSkip: boolean;
  /** --history: a JSON Lines file one line per run is appended to (and trends are drawn from). */
  historyPath?: string;
  /** --max-response-ms: a slower response is a `response-time` finding. */
  maxResponseMs?: number;
  /** Reads and refused probes in flight at once (undefined: the request plan's default; 1: one request at a time). */
  concurrency?: number;
  /** The working directory relative paths were taken from, when it is not the process's (src/config/work-dir.ts). */
  workDir?: string;
  /** HTTP_PROXY/HTTPS_PROXY/NO_PROXY of the run's environment (absent: none set). */
  proxy?: ProxySettings;
}

/** Every TENANT_API_* variable the suite reads: any other name of that prefix is refused as a typo. */
export const ENV = {
  baseUrl: "TENANT_API_BASE_URL",
  token: "TENANT_API_TOKEN",
  orgId: "TENANT_API_ORG_ID",
  memberToken: "TENANT_API_MEMBER_TOKEN",
  outsiderToken: "TENANT_API_OUTSIDER_TOKEN",
  adminToken: "TENANT_API_ADMIN_TOKEN",
  foreignToken: "TENANT_API_FOREIGN_TOKEN",
  inferenceKey: "TENANT_API_INFERENCE_KEY",
  foreignOrgId: "TENANT_API_FOREIGN_ORG_ID",
  missingOrgId: "TENANT_API_MISSING_ORG_ID",
  invalidOrgId: "TENANT_API_INVALID_ORG_ID",
  allowMutations: "TENANT_API_ALLOW_MUTATIONS",
  stateDir: "TENANT_API_STATE_DIR",
} as const;

/** Variables about this machine rather than the target: set alone, they do not ask for a live run. */
const HOST_VARIABLES: string[] = [ENV.stateDir];

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Reads `.env` from the working directory; real environment variables win. */
export function withDotEnv(env: NodeJS.ProcessEnv, path = ".env"): NodeJS.ProcessEnv {
  if (!existsSync(path)) return env;
  let fromFile: Record<string, string>;
  try {
    fromFile = parseDotEnv(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ToolError("CONFIG_INVALID", `cannot read ${path}: ${(error as Error).message}`);
  }
  return { ...fromFile, ...env };
}

export function parseSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  checkTenantVariables(env);
  const flags = parseFlags(argv);
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  // An empty id is a missing one, as an empty token is: CI passes an undefined variable as "".
  const readOrgId = (name: string): string | undefined => (read(name) === undefined ? undefined : checkOrgId(name, env[name] ?? ""));
  const baseUrl = read(ENV.baseUrl);
  const settings: Settings = {
    baseUrl: baseUrl === undefined ? undefined : checkBaseUrl(baseUrl),
    token: read(ENV.token),
    orgId: readOrgId(ENV.orgId),
    memberToken: read(ENV.memberToken),
    outsiderToken: read(ENV.outsiderToken),
    adminToken: read(ENV.adminToken),
    foreignToken: read(ENV.foreignToken),
    inferenceKey: read(ENV.inferenceKey),
    foreignOrgId: readOrgId(ENV.foreignOrgId),
    missingOrgId: readOrgId(ENV.missingOrgId),
    invalidOrgId: readOrgId(ENV.invalidOrgId),
    allowMutations: parseFlag(read(ENV.allowMutations), ENV.allowMutations),
    readOnly: flags["read-only"] === true,
    restore: flags.restore === true,
    acceptCurrent: flags["accept-current"] === true,
    reportDir: (flags["report-dir"] as string | undefined) ?? "reports",
    timeoutMs: parseTimeout(flags["timeout-ms"] as string | undefined),
    maxRetryAfterMs:
      parseInteger(flags["max-retry-after-ms"] as string | undefined, "--max-retry-after-ms", 0, 600_000) ?? DEFAULT_MAX_RETRY_AFTER_MS,
    patienceMs: parseInteger(flags["patience-ms"] as string | undefined, "--patience-ms", 0, 600_000) ?? DEFAULT_PATIENCE_MS,
    journalPath: flags.journal as string | undefined,
    stateDir: (flags["state-dir"] as string | undefined) ?? read(ENV.stateDir) ?? defaultStateDir(env),
    stateDirFlag: flags["state-dir"] as string | undefined,
    lockWaitMs: parseInteger(flags["lock-wait-ms"] as string | undefined, "--lock-wait-ms", 0, 3_600_000) ?? 0,
    sameApi: flags["same-api"] === true,
    seed: parseInteger(flags.seed as string | undefined, "--seed", 0, 2 ** 31 - 1),
    runs: parseInteger(flags.runs as string | undefined, "--runs", 1, 100_000),
    modelSequences: parseInteger(flags["model-sequences"] as string | undefined, "--model-sequences", 0, 100_000),
    generatedBodies: parseInteger(flags["generated-bodies"] as string | undefined, "--generated-bodies", 0, 100_000),
    baselinePath: flags.baseline as string | undefined,
    failOn: parseFailOn(flags["fail-on"] as string | undefined),
    knownIssuesPath: flags["known-issues"] as string | undefined,
    failOnSkip: flags["fail-on-skip"] === true,
    historyPath: flags.history as string | undefined,
    maxResponseMs: parseInteger(flags["max-response-ms"] as string | undefined, "--max-response-ms", 1, 600_000),
    concurrency: parseInteger(flags.concurrency as string | undefined, "--concurrency", 1, 64),
    proxy: proxySettings(env),
  };
  checkTokens(settings);
  if (settings.baseUrl !== undefined && settings.token === undefined) {
    throw new ToolError("CONFIG_MISSING", `${ENV.token} is required when ${ENV.baseUrl} is set`);
  }
  if (settings.acceptCurrent && !settings.restore) {
    throw new ToolError("CONFIG_INVALID", "--accept-current goes with --restore: it accepts the org as it reads instead of restoring it");
  }
  if (settings.restore && settings.baseUrl === undefined) {
    throw new ToolError("CONFIG_MISSING", `--restore needs ${ENV.baseUrl} (the embedded provider keeps nothing to restore)`);
  }
  return settings;
}

/**
 * A run meant for a live API must never fall back to the embedded provider: every TENANT_API_* name
 * must be one the suite knows (a typo would silently drop the setting), and any of them without a
 * base URL (an unset CI variable arrives as "") is an error rather than a green run of the wrong target.
 */
function checkTenantVariables(env: NodeJS.ProcessEnv): void {
  const known: string[] = Object.values(ENV);
  const tenant = Object.keys(env).filter((name) => name.toUpperCase().startsWith("TENANT_API_"));
  const unknown = tenant.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const hints = unknown.map((name) => `${name} (did you mean ${closest(name.toUpperCase(), known)}?)`);
    throw new ToolError("CONFIG_INVALID", `unknown variable ${hints.join(", ")}`);
  }
  const present = tenant.filter((name) => !HOST_VARIABLES.includes(name));
  if (present.length === 0 || env[ENV.baseUrl]?.trim()) return;
  const others = present.filter((name) => name !== ENV.baseUrl);
  const baseUrl = env[ENV.baseUrl] === undefined ? `${ENV.baseUrl} is not set` : `${ENV.baseUrl} is empty`;
  const set = others.length > 0 ? `${others.join(", ")} ${others.length === 1 ? "is" : "are"} set but ` : "";
  throw new ToolError(
    "CONFIG_MISSING",
    `${set}${baseUrl}: set it to the API's URL including /tenant, or unset every TENANT_API_* variable to run against the embedded provider`,
  );
}

/**
 * An org id becomes one path segment through encodeURIComponent, which leaves `.` and `..` alone, and
 * URL normalisation then resolves them (`/orgs/..` is `/api/v1/`): another endpoint. A `/` is safe
 * (it is encoded as %2F), and may be the point of a malformed id.
 */
function checkOrgId(name: string, value: string): string {
  const id = value.trim();
  if (id === "." || id === "..") {
    throw new ToolError("CONFIG_INVALID", `${name} must not be ${JSON.stringify(id)}: URL normalisation would turn it into another path`);
  }
  return id;
}

/** The conformance flags the settings read (the check selection and --help are taken out before). */
export const SETTINGS_FLAGS = {
  "report-dir": { type: "string" },
  "read-only": { type: "boolean" },
  restore: { type: "boolean" },
  "accept-current": { type: "boolean" },
  "timeout-ms": { type: "string" },
  "max-retry-after-ms": { type: "string" },
  "patience-ms": { type: "string" },
  journal: { type: "string" },
  "state-dir": { type: "string" },
  "lock-wait-ms": { type: "string" },
  "same-api": { type: "boolean" },
  seed: { type: "string" },
  runs: { type: "string" },
  baseline: { type: "string" },
  "fail-on": { type: "string" },
  "known-issues": { type: "string" },
  "fail-on-skip": { type: "boolean" },
  history: { type: "string" },
  "max-response-ms": { type: "string" },
  concurrency: { type: "string" },
  "model-sequences": { type: "string" },
  "generated-bodies": { type: "string" },
} as const;

/** Named by an unknown flag's "did you mean": the settings' flags and the ones taken out before them. */
const ALL_CONFORMANCE_FLAGS = [...Object.keys(SETTINGS_FLAGS), "list-checks", "checks", "exclude-checks", "help"];

function parseFlags(argv: string[]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: joinNegativeNumbers(argv), options: SETTINGS_FLAGS, strict: true }).values;
  } catch (error) {
    throw flagError(error, ALL_CONFORMANCE_FLAGS);
  }
}

function parseFailOn(value: string | undefined): Settings["failOn"] {
  if (value === undefined || value === "any" || value === "new") return value ?? "any";
  throw new ToolError("CONFIG_INVALID", `--fail-on must be new or any, got ${JSON.stringify(value)}`);
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

/** Each persona's token variable, as the settings hold it. */
const TOKEN_FIELDS = [
  ["token", ENV.token],
  ["memberToken", ENV.memberToken],
  ["adminToken", ENV.adminToken],
  ["outsiderToken", ENV.outsiderToken],
  ["foreignToken", ENV.foreignToken],
  ["inferenceKey", ENV.inferenceKey],
] as const;

/**
 * A token travels in a header: a line break inside it (a secret stored from a two-line file) or
 * another control character cannot be sent. Two personas with one token are one user: every
 * permission check between them would be meaningless. Both are said by variable, never by value.
 */
function checkTokens(settings: Settings): void {
  const seen = new Map<string, string>();
  for (const [field, variable] of TOKEN_FIELDS) {
    const value = settings[field];
    if (value === undefined) continue;
    if (/[\r\n]/.test(value)) throw new ToolError("CONFIG_INVALID", `${variable} contains a line break: a token is one line`);
    // RFC 9110 §5.5: a field value is visible ASCII, space, tab and obs-text (0x80-0xFF).
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new ToolError(
        "CONFIG_INVALID",
        `${variable} contains a character an HTTP header cannot carry (a control character or beyond Latin-1)`,
      );
    }
    const other = seen.get(value);
    if (other !== undefined) {
      throw new ToolError("CONFIG_INVALID", `${variable} holds the same token as ${other}: each persona must be a user of its own`);
    }
    seen.set(value, variable);
  }
}

/** The proxy variables, lower case first as curl and undici read them; each proxy must be an http(s) URL (never printed: it may carry credentials). */
function proxySettings(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const pick = (name: string) => (env[name.toLowerCase()] ?? env[name])?.trim() || undefined;
  const httpProxy = pick("HTTP_PROXY");
  const httpsProxy = pick("HTTPS_PROXY");
  const noProxy = pick("NO_PROXY");
  for (const [name, value] of [
    ["HTTP_PROXY", httpProxy],
    ["HTTPS_PROXY", httpsProxy],
  ] as const) {
    if (value !== undefined && !/^https?:$/.test(URL.parse(value)?.protocol ?? "")) {
      throw new ToolError("CONFIG_INVALID", `${name} is not an http:// or https:// URL`);
    }
  }
  if (httpProxy === undefined && httpsProxy === undefined) return undefined;
  return { httpProxy, httpsProxy, noProxy };
}

/** The secrets as the environment holds them, before any parsing, so even a config error is redacted. */
export function secretsInEnv(env: NodeJS.ProcessEnv): string[] {
  const tokens = [ENV.token, ENV.memberToken, ENV.outsiderToken, ENV.adminToken, ENV.foreignToken, ENV.inferenceKey].flatMap(
    (name) => env[name]?.trim() || [],
  );
  return [...tokens, ...proxyPasswords(env)];
}

/** The password of a proxy URL (`http://user:pass@host:port`), as written and decoded: never printed either. */
function proxyPasswords(env: NodeJS.ProcessEnv): string[] {
  const urls = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"].flatMap((name) => URL.parse(env[name]?.trim() ?? "") ?? []);
  return urls.flatMap((url) => (url.password === "" ? [] : [url.password, decoded(url.password)]));
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % is taken as written
  }
}
