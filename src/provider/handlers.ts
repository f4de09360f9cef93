/**
 * The three operations of the reference provider. Each handler answers with (status, body); the
 * checks run in the order a real gateway applies them: authentication, id format, existence,
 * permission, then the body.
 */
import type { SpecValidators } from "../validation/validators.js";
import type { StoredOrganization } from "./fixtures.js";
import type { ProviderRules } from "./rules.js";
import type { ProviderState } from "./state.js";

export interface Reply {
  status: number;
  body: unknown;
}

export interface RequestContext {
  operationId: string;
  authorization: string | undefined;
  orgId?: string;
  bodyText?: string;
}

export interface HandlerDeps {
  state: ProviderState;
  rules: ProviderRules;
  validators: SpecValidators;
}

const MESSAGES: Record<number, [string, string]> = {
  400: ["invalid_request", "The request is invalid."],
  401: ["unauthorized", "Missing or invalid authentication token."],
  403: ["forbidden", "Insufficient permissions."],
  404: ["not_found", "Organization not found."],
  500: ["internal_error", "Internal server error."],
};

export function errorReply(rules: ProviderRules, status: number, message?: string): Reply {
  const [code, fallback] = MESSAGES[status] ?? ["error", "Error."];
  return { status, body: rules.errorBody(code, message ?? fallback) };
}

export function handle(context: RequestContext, deps: HandlerDeps): Reply {
  const { rules, state } = deps;
  const userId = rules.authenticate(context.authorization, state);
  if (userId === undefined) return errorReply(rules, 401);
  const forced = state.forcedStatuses.get(context.operationId);
  if (forced !== undefined) return errorReply(rules, forced);
  if (context.operationId === "listUserOrganizations") return listOrganizations(userId, deps);
  const target = findOrganization(context, userId, deps);
  if ("status" in target) return target;
  if (context.operationId === "getOrganization") return { status: 200, body: rules.present(target.org) };
  return updateOrganization(target.org, context.bodyText ?? "", deps);
}

function listOrganizations(userId: string, { state, rules }: HandlerDeps): Reply {
  const orgs = rules.visibleOrganizations(userId, state);
  if (orgs.length === 0 && rules.noOrganizationsStatus === 404) return errorReply(rules, 404, "No organizations found.");
  return { status: 200, body: { data: orgs.map((org) => rules.present(org)) } };
}

function findOrganization(context: RequestContext, userId: string, { state, rules }: HandlerDeps): { org: StoredOrganization } | Reply {
  const orgId = context.orgId ?? "";
  if (!rules.isWellFormedOrgId(orgId)) return errorReply(rules, rules.badRequestStatus, "Invalid organization ID format.");
  const org = state.organizations.get(orgId);
  if (!org) return errorReply(rules, rules.missingStatus);
  const role = state.roleOf(userId, orgId);
  const orgsOfCaller = state.memberships.get(userId)?.size ?? 0;
  const isUpdate = context.operationId === "updateOrganization";
  const allowed = isUpdate ? rules.canWrite(role, orgsOfCaller) : rules.canRead(role, orgsOfCaller);
  if (!allowed && isUpdate) rules.onRefusedUpdate(org, context.bodyText ?? "");
  if (!allowed) return errorReply(rules, role === undefined ? rules.foreignStatus : 403);
  return { org };
}

function updateOrganization(org: StoredOrganization, bodyText: string, deps: HandlerDeps): Reply {
  const { rules, validators } = deps;
  const parsed = rules.parseBody(bodyText);
  if (!parsed.ok) return errorReply(rules, parsed.status === 400 ? rules.badRequestStatus : parsed.status, parsed.message);
  const body = parsed.body;
  const rejection = rules.checkUpdate(body, org, validators);
  if (rejection !== undefined) return errorReply(rules, rules.badRequestStatus, rejection);
  rules.applyUpdate(org, body as Parameters<ProviderRules["applyUpdate"]>[1], deps.state);
  return { status: 200, body: rules.presentUpdated(org, rules) };
}
