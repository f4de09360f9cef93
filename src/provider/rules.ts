/**
 * The API's rules as small replaceable functions. The reference provider uses `referenceRules`; the
 * fault gallery builds deliberately broken providers by replacing exactly one of them, so each test
 * shows that one check catches one broken rule.
 */
import type { OrganizationUpdate } from "../spec/types.js";
import type { SpecValidators } from "../validation/validators.js";
import type { Role, StoredOrganization } from "./fixtures.js";
import { parseJson } from "./http-io.js";
import type { ProviderState } from "./state.js";
import { errorWording, MESSAGES } from "./wording.js";

/** What a handler answers: a status and a body. */
export interface Reply {
  status: number;
  body: unknown;
}

export interface ProviderRules {
  /** The caller's userId from the Authorization header, or undefined for 401. */
  authenticate(header: string | undefined, state: ProviderState): string | undefined;
  isWellFormedOrgId(id: string): boolean;
  /** The organizations a user's list shows (their memberships). */
  visibleOrganizations(userId: string, state: ProviderState): StoredOrganization[];
  /** `userId` and `state` are there for what a faulty server does with them; the reference needs the role only. */
  canRead(role: Role | undefined, userId: string, state: ProviderState): boolean;
  /** `bodyText` (the PATCH body as sent) is there for a faulty server's field-level permissions; the reference decides on the role alone. */
  canWrite(role: Role | undefined, userId: string, state: ProviderState, bodyText?: string): boolean;
  /** Called on every refusal for lack of permission, before answering (the reference does nothing). */
  onRefused(operation: { operationId: string; bodyText?: string }, org: StoredOrganization): void;
  /** Status for an org the caller may not read or write: 403 (a stranger may get 404, which hides that it exists). */
  refusedStatus(role: Role | undefined): number;
  /** The answer to a user without organizations: 404 "No organizations found." (or 200 with an empty list). */
  noOrganizations(rules: ProviderRules): Reply;
  /** Status for a well-formed id that does not exist (404). */
  missingStatus: number;
  /** Status for a request the rules reject (400). */
  badRequestStatus: number;
  /** The PATCH body's JSON value; undefined when it is not JSON (refused by `checkUpdate` like any non-object). */
  parseBody(text: string): unknown;
  /** An error message when the PATCH body breaks the rules; undefined when it may be applied. */
  checkUpdate(body: unknown, org: StoredOrganization, validators: SpecValidators): string | undefined;
  /** `state` is there for what a faulty server does to other organizations; the reference never needs it. */
  applyUpdate(org: StoredOrganization, update: OrganizationUpdate, state?: ProviderState): void;
  /** The organization as sent in a response body. */
  present(org: StoredOrganization): unknown;
  /** The organization as sent in the 200 response of a PATCH (normally `present`). */
  presentUpdated(org: StoredOrganization, rules: ProviderRules): unknown;
  errorBody(code: string, message: string): unknown;
  contentType: string;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;
/** Inference keys authenticate AI Models / Runtime, never this API (see the security scheme). */
const INFERENCE_KEY_PREFIX = "sk-nc-";

export const referenceRules: ProviderRules = {
  authenticate(header, state) {
    const token = header?.match(BEARER)?.[1];
    if (token === undefined) return undefined;
    // The identity service knows both kinds of credential; this API must turn an inference key away itself.
    const userId = state.accessTokens.get(token) ?? state.inferenceKeys.get(token);
    return token.startsWith(INFERENCE_KEY_PREFIX) ? undefined : userId;
  },
  isWellFormedOrgId: (id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  visibleOrganizations: (userId, state) => state.organizationsOf(userId),
  canRead: (role) => role !== undefined,
  canWrite: (role) => role === "owner" || role === "admin",
  onRefused: () => {},
  refusedStatus: () => 403,
  noOrganizations: (rules) => errorReply(rules, 404, MESSAGES.noOrganizations),
  missingStatus: 404,
  badRequestStatus: 400,
  parseBody: (text) => parseJson(text),
  checkUpdate(body, _org, validators) {
    // The request schema first: it refuses what is not an object, and wrong types and lengths.
    const [problem] = validators.validateRequestBody({ operationId: "updateOrganization", body }).problems;
    if (problem !== undefined) return problem.message;
    const update = body as OrganizationUpdate;
    return update.name === undefined && update.description === undefined ? MESSAGES.atLeastOneField : undefined;
  },
  applyUpdate(org, update) {
    if (update.name !== undefined) org.name = update.name;
    // "If provided as an empty string, the description will be cleared": stored as absent.
    if (update.description !== undefined) org.description = update.description || undefined;
  },
  present: (org) => ({ ...org }),
  presentUpdated: (org, rules) => rules.present(org),
  errorBody: (code, message) => ({ code, message }),
  contentType: "application/json",
};

/** An error answer with the provider's wording (wording.ts) in the body its rules shape. */
export function errorReply(rules: ProviderRules, status: number, message?: string): Reply {
  const wording = errorWording(status, message);
  return { status, body: rules.errorBody(wording.code, wording.message) };
}
