/**
 * The preflight's reads before a live run: the owner's list (retried when an answer may be
 * transient, since the run cannot choose its org without it) and one list per persona token, so that
 * a token in the wrong variable, or an expired one, is exit 2 naming the variable rather than a page
 * of findings, or a write phase that cannot be undone.
 *
 * Only what configuration alone explains is refused; whatever an API bug could also explain is left
 * to the checks, as findings:
 * - 401 on a persona's list: the docs give 401 only for a missing or invalid token.
 * - A member (or admin) that neither lists the org nor can read it (403/404): not a member. An API
 *   that hides the org from a member's list but lets them read it is a bug the checks report.
 * - An outsider that lists the org while the foreign org's owner (another user outside it) does not:
 *   the API does limit lists to members, so the token is a member's. When both list it, or without
 *   TENANT_API_FOREIGN_TOKEN to compare with, the API may be showing it to everyone: a finding.
 * - The foreign owner that neither lists nor can read TENANT_API_FOREIGN_ORG_ID: not its owner.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ENV, type Settings } from "../config/settings.js";
import { ToolError } from "../errors.js";
import type { Exchange, HttpTransport } from "../http/transport.js";
import { orgPath } from "./context.js";

export const LIST_PATH = "/api/v1/orgs";

/** Attempts of the owner's list when the answer may be transient (a 5xx, a time-out, a broken connection). */
export const PREFLIGHT_ATTEMPTS = 3;

export interface PreflightList {
  probe: Exchange;
  /** What the earlier attempts got, when the list had to be asked again (for the console). */
  retriedAfter: string[];
}

/** The owner's list; a transient answer is asked again (a GET may be: it changes nothing), with a short pause. */
export async function preflightList(transport: HttpTransport, authorization: string, pauseMs = 250): Promise<PreflightList> {
  const retriedAfter: string[] = [];
  for (;;) {
    const probe = await transport.send({ method: "GET", path: LIST_PATH, authorization });
    refuseProxyRefusal(probe);
    if (!mayBeTransient(probe) || retriedAfter.length + 1 >= PREFLIGHT_ATTEMPTS) return { probe, retriedAfter };
    retriedAfter.push(describeAnswer(probe));
    await sleep(pauseMs * retriedAfter.length);
  }
}

/**
 * A proxy that refuses the tunnel (407: its credentials; 403: a denied CONNECT; a 5xx) lets no request
 * through: exit 2 naming it by host:port (the transport never names it by URL, which may hold a password).
 */
function refuseProxyRefusal(probe: Exchange): void {
  if (probe.infrastructure?.source !== "proxy") return;
  throw new ToolError("PROXY_REFUSED", `${probe.infrastructure.reason}; check HTTPS_PROXY, HTTP_PROXY and NO_PROXY`);
}

function mayBeTransient(probe: Exchange): boolean {
  if (probe.failure) return probe.failure.kind === "timeout" || (probe.failure.kind === "connection" && tlsProblem(probe) === undefined);
  return (probe.status ?? 0) >= 500;
}

export function describeAnswer(probe: Exchange): string {
  return probe.failure ? `${probe.failure.kind} (${probe.failure.message})` : `${probe.status}`;
}

/**
 * A TLS failure of the first request: nothing an API answers explains it, only the URL or the
 * machine's trust store (an `https://` URL to a plain-HTTP server; a private CA not in NODE_EXTRA_CA_CERTS).
 */
export function tlsProblem(probe: Exchange): string | undefined {
  const message = probe.failure?.message ?? "";
  const code = /^([A-Z_0-9]+):/.exec(message)?.[1] ?? "";
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "EPROTO" || /wrong version number|packet length too long/i.test(message)) {
    return `the TLS handshake with it failed (${code || "EPROTO"}): is it an https:// URL to a plain-HTTP server?`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/.test(code)) {
    return `its TLS certificate was not accepted (${code}): for a private CA, set NODE_EXTRA_CA_CERTS to its PEM file`;
  }
  return undefined;
}

/** The ids of a list answer: `{data: [...]}` as documented, or a bare array (a bug the checks report). */
export function listedIds(json: unknown): string[] | undefined {
  const items = Array.isArray(json) ? json : typeof json === "object" && json !== null ? (json as { data?: unknown }).data : undefined;
  if (!Array.isArray(items)) return undefined;
  return items.flatMap((item) => {
    const id = (item as { id?: unknown } | null)?.id;
    return typeof id === "string" || typeof id === "number" ? [String(id)] : [];
  });
}

type Role = "member" | "outsider" | "foreign";

interface Persona {
  variable: string;
  token: string;
  role: Role;
}

/** A persona and what its list showed (undefined ids: no list answer, which the checks report). */
interface Listed extends Persona {
  authorization: string;
  list: Exchange;
  ids?: string[];
}

/** Every persona token set, each read once with a list (and, if it lacks its org, a read of that org). */
export async function checkPersonas(transport: HttpTransport, settings: Settings, orgId: string | undefined): Promise<void> {
  const candidates: { variable: string; token: string | undefined; role: Role }[] = [
    { variable: ENV.memberToken, token: settings.memberToken, role: "member" },
    { variable: ENV.adminToken, token: settings.adminToken, role: "member" },
    { variable: ENV.outsiderToken, token: settings.outsiderToken, role: "outsider" },
    { variable: ENV.foreignToken, token: settings.foreignToken, role: "foreign" },
  ];
  const personas = candidates.filter((p): p is Persona => p.token !== undefined);
  const listed = await Promise.all(
    personas.map(async (persona): Promise<Listed> => {
      const authorization = `Bearer ${persona.token}`;
      const list = await transport.send({ method: "GET", path: LIST_PATH, authorization });
      return { ...persona, authorization, list, ids: listAnswer(list) };
    }),
  );
  const rejected = listed.find((persona) => persona.list.status === 401);
  if (rejected) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${rejected.variable} was rejected (401 on GET ${LIST_PATH}): the token is expired or not an access token of this API`,
    );
  }
  const problems = await Promise.all(listed.map((persona) => personaProblem(transport, persona, listed, settings, orgId)));
  const first = problems.find((problem) => problem !== undefined);
  if (first !== undefined) throw new ToolError("CONFIG_INVALID", first);
}

async function personaProblem(
  transport: HttpTransport,
  persona: Listed,
  all: readonly Listed[],
  settings: Settings,
  orgId: string | undefined,
): Promise<string | undefined> {
  const { ids, variable, authorization } = persona;
  if (ids === undefined) return undefined; // not a list answer: the checks report what it is
  const { foreignOrgId } = settings;
  if (persona.role === "member" && orgId !== undefined && !ids.includes(orgId)) {
    return await unseen(transport, authorization, variable, `${ENV.orgId} ${orgId}`, orgId, "a member of that organization");
  }
  if (persona.role === "foreign" && foreignOrgId !== undefined && !ids.includes(foreignOrgId)) {
    return await unseen(
      transport,
      authorization,
      variable,
      `${ENV.foreignOrgId} ${foreignOrgId}`,
      foreignOrgId,
      "the owner of that organization",
    );
  }
  // An outsider listing the org is the API's leak, unless another user outside it does not see it.
  const foreign = all.find((other) => other.role === "foreign");
  if (
    persona.role === "outsider" &&
    orgId !== undefined &&
    ids.includes(orgId) &&
    foreign?.ids !== undefined &&
    !foreign.ids.includes(orgId)
  ) {
    return `${variable} lists ${ENV.orgId} ${orgId}, which ${ENV.foreignToken} does not: the API lists it to its members only, so this is a member's token, not an outsider's`;
  }
  return undefined;
}

/** The ids a persona's list answer shows; a documented 404 ("No organizations found.") shows none. */
function listAnswer(list: Exchange): string[] | undefined {
  if (list.failure) return undefined;
  if (list.status === 404 && list.json !== undefined) return [];
  return list.status === 200 ? listedIds(list.json) : undefined;
}

/** A persona whose list lacks its org: configuration only if reading the org is refused too. */
async function unseen(transport: HttpTransport, authorization: string, variable: string, what: string, id: string, role: string) {
  const read = await transport.send({ method: "GET", path: orgPath(id), authorization });
  if (read.failure || (read.status !== 403 && read.status !== 404)) return undefined;
  return `${variable} does not see ${what} (its list lacks it, and reading it answers ${read.status}): it must be the token of ${role}`;
}
