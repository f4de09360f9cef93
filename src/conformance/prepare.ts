/**
 * Turns settings into a Target: the embedded reference provider when no base URL is set, otherwise
 * the live deploy, after a preflight: one list request establishes that the base URL is the API and the
 * token lists the configured org, so a configuration mistake (unreachable host, rejected token, a base
 * URL without its `/tenant` prefix, an org the token does not list, a URL that redirects, an https://
 * URL to a plain-HTTP server, a persona token in the wrong variable) is a one-line error (exit 2)
 * rather than a page of findings. The persona reads are in preflight.ts.
 */
import { randomBytes } from "node:crypto";
import { ENV, type Settings } from "../config/settings.js";
import { ToolError } from "../errors.js";
import { type Exchange, HttpTransport } from "../http/transport.js";
import { type ProviderHandle, type ProviderInfo, startProvider } from "../provider/server.js";
import { specValidators } from "../validation/validators.js";
import { DEFAULT_CONCURRENCY } from "./plan.js";
import { checkPersonas, describeAnswer, listedIds, PREFLIGHT_ATTEMPTS, preflightList, tlsProblem } from "./preflight.js";
import { DEFAULT_INVALID_ORG_ID, deriveMissingId, type Target } from "./target.js";

export interface Prepared {
  target: Target;
  transport: HttpTransport;
  /** Set when the run started the embedded provider (closed by `release`). */
  provider?: ProviderHandle;
  /** What the preflight met that is worth a line on the console but is no error (a list asked again). */
  notes?: string[];
}

export async function prepare(settings: Settings): Promise<Prepared> {
  if (settings.baseUrl === undefined) {
    const provider = await startProvider();
    const target = targetFromProvider(provider, embeddedWritesDenied(settings));
    return {
      target,
      provider,
      transport: new HttpTransport({
        baseUrl: provider.baseUrl,
        timeoutMs: settings.timeoutMs,
        maxRetryAfterMs: settings.maxRetryAfterMs,
        patienceMs: settings.patienceMs,
        connections: connectionsFor(settings),
      }),
    };
  }
  const transport = new HttpTransport({
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
    maxRetryAfterMs: settings.maxRetryAfterMs,
    patienceMs: settings.patienceMs,
    connections: connectionsFor(settings),
    proxy: settings.proxy,
  });
  try {
    const notes: string[] = [];
    return { target: await liveTarget(settings, settings.baseUrl, transport, notes), transport, notes };
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

async function liveTarget(settings: Settings, baseUrl: string, transport: HttpTransport, notes: string[]): Promise<Target> {
  const owner = settings.token ?? "";
  const { probe, retriedAfter } = await preflightList(transport, `Bearer ${owner}`);
  if (probe.failure?.kind === "unreachable") {
    const via = settings.proxy ? " (a proxy is set: check HTTPS_PROXY, HTTP_PROXY and NO_PROXY)" : "";
    throw new ToolError("TARGET_UNREACHABLE", `cannot reach ${baseUrl}${via}: ${probe.failure.message}`);
  }
  const tls = tlsProblem(probe);
  if (tls !== undefined) throw new ToolError("CONFIG_INVALID", `${ENV.baseUrl} ${baseUrl}: ${tls}`);
  if (probe.status === 401) throw new ToolError("CONFIG_INVALID", `${ENV.token} was rejected by ${baseUrl} (401)`);
  const broken = listSchemaProblems(probe);
  const orgId = orgFromPreflight(probe, settings.orgId, broken);
  notes.push(...preflightNotes(probe, retriedAfter, orgId));
  if (broken !== undefined && settings.orgId !== undefined) {
    notes.push(
      `the owner's list breaks the documented schema (${broken}), so ${ENV.orgId} was not looked up in it: the checks report the list`,
    );
  }
  await checkPersonas(transport, settings, orgId);
  return liveTargetOf(settings, baseUrl, orgId);
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

/** The list asked again, or no org to test: said on the console, since the checks only see their own requests. */
function preflightNotes(probe: Exchange, retriedAfter: string[], orgId: string | undefined): string[] {
  const notes: string[] = [];
  const list = `GET ${probe.url}`;
  if (retriedAfter.length > 0) notes.push(`${list} answered ${retriedAfter.join(", then ")}, then ${describeAnswer(probe)}`);
  if (orgId === undefined) {
    const tries = retriedAfter.length + 1 === PREFLIGHT_ATTEMPTS ? ` on all ${PREFLIGHT_ATTEMPTS} attempts` : "";
    notes.push(
      `no organization to test: ${list} answered ${describeAnswer(probe)}${tries}; the checks that need one are skipped (set ${ENV.orgId} to test one anyway)`,
    );
  }
  return notes;
}

const PREFIX_HINT = `${ENV.baseUrl} must be the API's URL including its /tenant prefix`;

/**
 * The org the run may use, from the owner's list answer; a ToolError when that answer shows the
 * configuration is wrong. Only clear mistakes are refused: a list endpoint that is not there (404, an
 * HTML page, JSON that is not a list), a base URL that redirects (Location: the URL to configure) or a
 * list without the org. Anything an API bug could explain (a 5xx, a broken body labelled JSON, a
 * time-out, a bare array instead of `{data}`, numeric ids, an item that breaks the schema) passes
 * through with the configured org, for the checks to report as findings: with `listBreaksSchema` set (the
 * list's schema problems), a configured org missing from the list is not refused either.
 */
export function orgFromPreflight(probe: Exchange, orgId: string | undefined, listBreaksSchema?: string): string | undefined {
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
  const location = probe.headers.location;
  if (probe.status !== undefined && probe.status >= 300 && probe.status < 400 && location !== undefined) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${answered}, a redirect to ${location}: set ${ENV.baseUrl} to the API's final URL (the suite never follows a redirect with the token)`,
    );
  }
  if (probe.status !== 200 || probe.failure !== undefined) return orgId;
  const contentType = probe.headers["content-type"] ?? "no content type";
  if (probe.json === undefined && !/json/i.test(contentType)) {
    throw new ToolError("CONFIG_INVALID", `${answered} with ${contentType}, so it is not the list endpoint: ${PREFIX_HINT}`);
  }
  if (probe.json === undefined) return orgId; // labelled JSON but broken: the API's bug (body-not-json)
  const ids = listedIds(probe.json);
  if (ids === undefined) {
    throw new ToolError("CONFIG_INVALID", `${answered} with JSON that is not an organization list: ${PREFIX_HINT}`);
  }
  if (orgId === undefined) {
    if (ids[0] === undefined) {
      throw new ToolError("CONFIG_INVALID", `${ENV.token} lists no organization: set ${ENV.orgId} and a token of its owner`);
    }
    return ids[0];
  }
  // A list that breaks the schema (ids as numbers, items without an id) is the API's bug, which the checks
  // report with its schema problems (exit 1): that the org is missing from it says nothing of the configuration.
  if (!ids.includes(orgId) && listBreaksSchema === undefined) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${ENV.orgId} ${orgId} is not among the ${ids.length} organizations ${ENV.token} lists: name an org that token's user owns or administers`,
    );
  }
  return orgId;
}

/** The schema problems of a 200 list answer (`/data/0/id: expected type string, …`), or undefined when it has none. */
export function listSchemaProblems(probe: Exchange): string | undefined {
  if (probe.status !== 200 || probe.json === undefined || probe.failure !== undefined) return undefined;
  const result = specValidators().validateResponse({
    operationId: "listUserOrganizations",
    status: 200,
    contentType: probe.headers["content-type"],
    body: probe.json,
  });
  if (result.valid) return undefined;
  return result.problems
    .slice(0, 3)
    .map((problem) => `${problem.instancePath || "/"}: ${problem.message}`)
    .join("; ");
}

export function writesDeniedReason(settings: Settings): string | undefined {
  if (settings.readOnly) return "--read-only was given: no PATCH is sent";
  if (!settings.allowMutations) return `mutations are not allowed (set ${ENV.allowMutations}=1 to run PATCH checks)`;
  return undefined;
}
