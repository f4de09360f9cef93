/**
 * Turns settings into a Target: the embedded reference provider when no base URL is set, otherwise
 * the live deploy, probed once so an unreachable host or a rejected token is a one-line error
 * (exit 2) rather than a page of findings.
 */
import { randomBytes } from "node:crypto";
import { ENV, type Settings } from "../config/settings.js";
import { ToolError } from "../errors.js";
import { HttpTransport } from "../http/transport.js";
import { type ProviderHandle, type ProviderInfo, startProvider } from "../provider/server.js";
import type { OrganizationList } from "../spec/types.js";
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
    const target = targetFromProvider(provider, settings.readOnly ? "--read-only was given" : undefined);
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

async function liveTarget(settings: Settings, baseUrl: string, transport: HttpTransport): Promise<Target> {
  const owner = settings.token ?? "";
  const probe = await transport.send({ method: "GET", path: "/api/v1/orgs", authorization: `Bearer ${owner}` });
  if (probe.failure?.kind === "unreachable") {
    throw new ToolError("TARGET_UNREACHABLE", `cannot reach ${baseUrl}: ${probe.failure.message}`);
  }
  if (probe.status === 401) throw new ToolError("CONFIG_INVALID", `${ENV.token} was rejected by ${baseUrl} (401)`);
  const listed = probe.status === 200 ? ((probe.json as OrganizationList | undefined)?.data ?? []) : [];
  const orgId = settings.orgId ?? (typeof listed[0]?.id === "string" ? listed[0].id : undefined);
  return {
    baseUrl,
    embedded: false,
    tokens: {
      owner,
      member: settings.memberToken,
      outsider: settings.outsiderToken,
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

function writesDeniedReason(settings: Settings): string | undefined {
  if (settings.readOnly) return "--read-only was given: no PATCH is sent";
  if (!settings.allowMutations) return `mutations are not allowed (set ${ENV.allowMutations}=1 to run PATCH checks)`;
  return undefined;
}
