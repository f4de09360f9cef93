/**
 * Turns settings into a Target: the embedded reference provider when no base URL is set, otherwise
 * the live deploy, after a preflight: one list request establishes that the base URL is the API and the
 * token lists the configured org, so a configuration mistake (unreachable host, rejected token, a base
 * URL without its `/tenant` prefix, an org the token does not list) is a one-line error (exit 2) rather
 * than a page of findings.
 */
import { randomBytes } from "node:crypto";
import { ENV, type Settings } from "../config/settings.js";
import { ToolError } from "../errors.js";
import { type Exchange, HttpTransport } from "../http/transport.js";
import { type ProviderHandle, type ProviderInfo, startProvider } from "../provider/server.js";
import { DEFAULT_CONCURRENCY } from "./plan.js";
import { DEFAULT_INVALID_ORG_ID, deriveMissingId, type Target } from "./target.js";

export interface Prepared {
  target: Target;
  transport: HttpTransport;
  /** Set when the run started the embedded provider (closed by `release`). */
  provider?: ProviderHandle;
}

export async function prepare(settings: Settings): Promise<Prepared> {
  if (settings.baseUrl === undefined) {
    const provider = await startProvider();
    const target = targetFromProvider(provider, embeddedWritesDenied(settings));
    return {
      target,
      provider,
      transport: new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: settings.timeoutMs, connections: connectionsFor(settings) }),
    };
  }
  const transport = new HttpTransport({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs, connections: connectionsFor(settings) });
  try {
    return { target: await liveTarget(settings, settings.baseUrl, transport), transport };
  } catch (error) {
    await transport.close();
    throw error;
  }
}

/** Enough connections for every request the plan may have in flight at once. */
function connectionsFor(settings: Settings): number {
  return Math.max(8, settings.concurrency ?? DEFAULT_CONCURRENCY);
}

export async function release(prepared: Prepared): Promise<void> {
  await prepared.transport.close();
  await prepared.provider?.close();
}

/** The embedded (or any in-process) provider as a target: every persona, writes allowed. */
export function targetFromProvider(info: ProviderInfo, writesDenied?: string): Target {
  return {
    baseUrl: info.baseUrl,
    embedded: true,
    tokens: { ...info.tokens },
    orgId: info.orgs.editable,
    foreignOrgId: info.orgs.foreign,
    missingOrgId: info.missingOrgId,
    invalidOrgId: info.invalidOrgId,
    writesDenied,
  };
}

/** Why the embedded provider may not be written to: only when --read-only asks. */
export function embeddedWritesDenied(settings: Pick<Settings, "readOnly">): string | undefined {
  return settings.readOnly ? "--read-only was given" : undefined;
}

/**
 * The target as the settings describe it, before any request (the header line's skip count): the
 * embedded provider has every persona; a live one has the personas set, and the org configured or,
 * presumably, found in the list.
 */
export function plannedTarget(settings: Settings): Target {
  if (settings.baseUrl === undefined) {
    const tokens = { owner: "o", member: "m", outsider: "x", admin: "a", foreignOwner: "f", inferenceKey: "k" };
    return {
      baseUrl: "",
      embedded: true,
      tokens,
      orgId: "org",
      foreignOrgId: "foreign",
      invalidOrgId: "",
      writesDenied: embeddedWritesDenied(settings),
    };
  }
  return liveTargetOf(settings, settings.baseUrl, settings.orgId ?? "the first org listed");
}

async function liveTarget(settings: Settings, baseUrl: string, transport: HttpTransport): Promise<Target> {
  const owner = settings.token ?? "";
  const probe = await transport.send({ method: "GET", path: "/api/v1/orgs", authorization: `Bearer ${owner}` });
  if (probe.failure?.kind === "unreachable") {
    throw new ToolError("TARGET_UNREACHABLE", `cannot reach ${baseUrl}: ${probe.failure.message}`);
  }
  if (probe.status === 401) throw new ToolError("CONFIG_INVALID", `${ENV.token} was rejected by ${baseUrl} (401)`);
  return liveTargetOf(settings, baseUrl, orgFromPreflight(probe, settings.orgId));
}

function liveTargetOf(settings: Settings, baseUrl: string, orgId: string | undefined): Target {
  const owner = settings.token ?? "";
  return {
    baseUrl,
    embedded: false,
    tokens: {
      owner,
      member: settings.memberToken,
      outsider: settings.outsiderToken,
      admin: settings.adminToken,
      foreignOwner: settings.foreignToken,
      // A made-up key of the right shape: a server must refuse any sk-nc- key on this API.
      inferenceKey: settings.inferenceKey ?? `sk-nc-${randomBytes(24).toString("hex")}`,
    },
    orgId,
    foreignOrgId: settings.foreignOrgId,
    missingOrgId: settings.missingOrgId ?? deriveMissingId(orgId),
    invalidOrgId: settings.invalidOrgId ?? DEFAULT_INVALID_ORG_ID,
    writesDenied: writesDeniedReason(settings),
  };
}

const PREFIX_HINT = `${ENV.baseUrl} must be the API's URL including its /tenant prefix`;

/**
 * The org the run may use, from the owner's list answer; a ToolError when that answer shows the
 * configuration is wrong. Only clear mistakes are refused: a list endpoint that is not there (404, an
 * HTML page, JSON that is not a list) or a list without the org. Anything an API bug could explain
 * (a 5xx, a broken body labelled JSON, a time-out, a redirect, an item that breaks the schema) passes
 * through with the configured org, for the checks to report as findings.
 */
export function orgFromPreflight(probe: Exchange, orgId: string | undefined): string | undefined {
  const answered = `GET ${probe.url} answered ${probe.status}`;
  if (probe.status === 404 && probe.json === undefined) {
    throw new ToolError("CONFIG_INVALID", `${answered} with no JSON, so it is not the list endpoint: ${PREFIX_HINT}`);
  }
  if (probe.status === 404) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${answered} (no organizations): ${ENV.token} must belong to an owner or admin of the org, and ${PREFIX_HINT}`,
    );
  }
  if (probe.status !== 200 || probe.failure !== undefined) return orgId;
  const contentType = probe.headers["content-type"] ?? "no content type";
  if (probe.json === undefined && !/json/i.test(contentType)) {
    throw new ToolError("CONFIG_INVALID", `${answered} with ${contentType}, so it is not the list endpoint: ${PREFIX_HINT}`);
  }
  if (probe.json === undefined) return orgId; // labelled JSON but broken: the API's bug (body-not-json)
  const items = typeof probe.json === "object" && probe.json !== null ? (probe.json as { data?: unknown }).data : undefined;
  if (!Array.isArray(items)) {
    throw new ToolError("CONFIG_INVALID", `${answered} with JSON that is not an organization list: ${PREFIX_HINT}`);
  }
  const ids = items.flatMap((item) => {
    const id = (item as { id?: unknown } | null)?.id;
    return typeof id === "string" || typeof id === "number" ? [String(id)] : [];
  });
  if (orgId === undefined) {
    if (ids[0] === undefined) {
      throw new ToolError("CONFIG_INVALID", `${ENV.token} lists no organization: set ${ENV.orgId} and a token of its owner`);
    }
    return ids[0];
  }
  if (!ids.includes(orgId)) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${ENV.orgId} ${orgId} is not among the ${ids.length} organizations ${ENV.token} lists: name an org that token's user owns or administers`,
    );
  }
  return orgId;
}

export function writesDeniedReason(settings: Settings): string | undefined {
  if (settings.readOnly) return "--read-only was given: no PATCH is sent";
  if (!settings.allowMutations) return `mutations are not allowed (set ${ENV.allowMutations}=1 to run PATCH checks)`;
  return undefined;
}
