/**
 * The three operations of the reference provider. Each handler answers with (status, body); the
 * checks run in the order a real gateway applies them: authentication, id format, existence,
 * permission, then the body. Every free text comes from wording.ts.
 */
import type { SpecValidators } from "../validation/validators.js";
import type { StoredOrganization } from "./fixtures.js";
import { errorReply, type ProviderRules, type Reply } from "./rules.js";
import type { ProviderState } from "./state.js";
import { MESSAGES } from "./wording.js";

/** One request to one operation: the org operations name an id, the update carries its body text. */
export type RequestContext =
  | { operationId: "listUserOrganizations"; authorization: string | undefined }
  | { operationId: "getOrganization"; authorization: string | undefined; orgId: string }
  | { operationId: "updateOrganization"; authorization: string | undefined; orgId: string; bodyText: string };

type OrgRequest = Exclude<RequestContext, { operationId: "listUserOrganizations" }>;

export interface HandlerDeps {
  state: ProviderState;
  rules: ProviderRules;
  validators: SpecValidators;
}

export function handle(context: RequestContext, deps: HandlerDeps): Reply {
  const { rules, state } = deps;
  const userId = rules.authenticate(context.authorization, state);
  if (userId === undefined) return errorReply(rules, 401);
  if (context.operationId === "listUserOrganizations") return listOrganizations(userId, deps);
  const target = findOrganization(context, userId, deps);
  if ("status" in target) return target;
  if (context.operationId === "getOrganization") return { status: 200, body: rules.present(target.org) };
  return updateOrganization(target.org, context.bodyText, deps);
}

function listOrganizations(userId: string, { state, rules }: HandlerDeps): Reply {
  const orgs = rules.visibleOrganizations(userId, state);
  // Stryker disable next-line ConditionalExpression: `false` answers a user without organizations 200 with an empty list, a freedom of the docs the suite accepts (list-outsider-404-or-empty)
  if (orgs.length === 0) return rules.noOrganizations(rules);
  return { status: 200, body: { data: orgs.map((org) => rules.present(org)) } };
}

function findOrganization(context: OrgRequest, userId: string, { state, rules }: HandlerDeps): { org: StoredOrganization } | Reply {
  if (!rules.isWellFormedOrgId(context.orgId)) return errorReply(rules, rules.badRequestStatus, MESSAGES.invalidOrgId);
  const org = state.organizations.get(context.orgId);
  if (!org) return errorReply(rules, rules.missingStatus);
  const role = state.roleOf(userId, context.orgId);
  const allowed =
    context.operationId === "updateOrganization"
      ? rules.canWrite(role, userId, state, context.bodyText)
      : rules.canRead(role, userId, state);
  if (allowed) return { org };
  rules.onRefused(context, org);
  return errorReply(rules, rules.refusedStatus(role));
}

function updateOrganization(org: StoredOrganization, bodyText: string, deps: HandlerDeps): Reply {
  const { rules, validators } = deps;
  const body = rules.parseBody(bodyText);
  const rejection = rules.checkUpdate(body, org, validators);
  if (rejection !== undefined) return errorReply(rules, rules.badRequestStatus, rejection);
  rules.applyUpdate(org, body as Parameters<ProviderRules["applyUpdate"]>[1], deps.state);
  return { status: 200, body: rules.presentUpdated(org, rules) };
}
