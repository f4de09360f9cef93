/**
 * The API's rules as small replaceable functions. The reference provider uses `referenceRules`; the
 * fault gallery builds deliberately broken providers by replacing exactly one of them, so each test
 * shows that one check catches one broken rule.
 */
import type { OrganizationUpdate } from "../spec/types.js";
import type { SpecValidators } from "../validation/validators.js";
import type { Role, StoredOrganization } from "./fixtures.js";
import type { ProviderState } from "./state.js";

export interface ProviderRules {
  /** The caller's userId from the Authorization header, or undefined for 401. */
  authenticate(header: string | undefined, state: ProviderState): string | undefined;
  isWellFormedOrgId(id: string): boolean;
  /** The organizations a user's list shows (their memberships). */
  visibleOrganizations(userId: string, state: ProviderState): StoredOrganization[];
  /** `orgsOfCaller`: how many organizations the caller belongs to (0 for a user with none). */
  canRead(role: Role | undefined, orgsOfCaller: number): boolean;
  canWrite(role: Role | undefined, orgsOfCaller: number): boolean;
  /** Called when an update is refused for lack of permission, before answering (the reference does nothing). */
  onRefusedUpdate(org: StoredOrganization, bodyText: string): void;
  /** Status for an existing org the caller does not belong to (403; 404 would hide that it exists). */
  foreignStatus: number;
  /** How a user without organizations is answered: 404 "No organizations found." or 200 with an empty list. */
  noOrganizationsStatus: 404 | 200;
  /** Status for a well-formed id that does not exist (404). */
  missingStatus: number;
  /** Status for a request the rules reject (400). */
  badRequestStatus: number;
  /** Parses the PATCH body text; a failure answers `status` (400 for malformed JSON). */
  parseBody(text: string): { ok: true; body: unknown } | { ok: false; status: number; message: string };
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

export const referenceRules: ProviderRules = {
  authenticate(header, state) {
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    // Inference keys authenticate AI Models / Runtime, never this API (see the security scheme).
    if (token === undefined || token.startsWith("sk-nc-")) return undefined;
    return state.accessTokens.get(token);
  },
  isWellFormedOrgId: (id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  visibleOrganizations: (userId, state) => state.organizationsOf(userId),
  canRead: (role) => role !== undefined,
  canWrite: (role) => role === "owner" || role === "admin",
  onRefusedUpdate: () => {},
  foreignStatus: 403,
  missingStatus: 404,
  noOrganizationsStatus: 404,
  badRequestStatus: 400,
  parseBody(text) {
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch {
      return { ok: false, status: 400, message: "The body is not valid JSON." };
    }
  },
  checkUpdate(body, _org, validators) {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "the body must be a JSON object";
    const update = body as Record<string, unknown>;
    if (update.name === undefined && update.description === undefined) {
      return "at least one of name or description must be provided";
    }
    const result = validators.validateRequestBody({ operationId: "updateOrganization", body });
    return result.valid ? undefined : result.problems.map((p) => p.message).join("; ");
  },
  applyUpdate(org, update) {
    if (update.name !== undefined) org.name = update.name;
    if (update.description === "") delete org.description;
    else if (update.description !== undefined) org.description = update.description;
  },
  present: (org) => ({ ...org }),
  presentUpdated: (org, rules) => rules.present(org),
  errorBody: (code, message) => ({ code, message }),
  contentType: "application/json",
};
