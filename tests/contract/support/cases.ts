/**
 * The tenant console's expectations of the Organizations operations: one case for every documented
 * (operation, status) pair plus the PATCH edge cases. Ids are UUID-shaped examples that the provider
 * state handlers create; names, ids and messages are matched by type, statuses and the values a
 * request sets (the new name, the cleared description) are exact.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { expect } from "vitest";
import { TenantApiError } from "../../../src/client/index.js";
import { errorMatcher, organizationListMatcher, organizationMatcher, withoutKey } from "../../../src/contracts/consumer-kit.js";
import { STATES } from "../../../src/contracts/states.js";
import type { PactCase } from "./pact-case.js";

const { uuid } = MatchersV3;

/** Example ids: fixed so the committed pact is reproducible; the state handlers create them. */
export const IDS = {
  member: "3f2c1a9e-5b7d-4c1e-9a0b-1d2e3f4a5b6c",
  owned: "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  foreign: "c0ffee00-1234-4abc-8def-0123456789ab",
  missing: "00000000-0000-4000-8000-000000000404",
} as const;

const MALFORMED_ID = "not-a-uuid";

/** An organization as the spec shapes it (src/contracts/consumer-kit.ts), with a UUID-shaped id. */
function organization(id: string, fields: Record<string, unknown> = {}) {
  return organizationMatcher({ id: uuid(id), ...fields });
}

/** An ErrorResponse: both fields present and strings; their wording is the provider's business. */
const errorBody = errorMatcher;

/** Asserts that the call throws a TenantApiError with this status and an ErrorResponse body. */
async function rejectsWith(call: Promise<unknown>, status: number): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TenantApiError);
  const apiError = error as TenantApiError;
  expect(apiError.status).toBe(status);
  expect(apiError.error?.code).toEqual(expect.any(String));
  expect(apiError.error?.message).toEqual(expect.any(String));
}

const serverFails = (operationId: string) => ({ sentence: STATES.serverFails, params: { operationId } });

const listCases: PactCase[] = [
  {
    operationId: "listUserOrganizations",
    status: 200,
    description: "a request for the caller's organizations",
    state: { sentence: STATES.belongsToOrganizations },
    path: "/api/v1/orgs",
    authenticated: true,
    // Not every organization has a description ("if provided"), so list items do not promise one.
    responseBody: organizationListMatcher(organization(IDS.member, { description: undefined })),
    run: async (client) => {
      const list = await client.listUserOrganizations();
      expect(list.data?.length).toBeGreaterThan(0);
      expect(list.data?.[0]?.id).toBe(IDS.member);
    },
  },
  {
    operationId: "listUserOrganizations",
    status: 401,
    description: "a request for organizations without an access token",
    path: "/api/v1/orgs",
    authenticated: false,
    responseBody: errorBody("unauthorized", "Missing or invalid authentication token."),
    run: (client) => rejectsWith(client.listUserOrganizations(), 401),
  },
  {
    operationId: "listUserOrganizations",
    status: 403,
    description: "a request for organizations by a caller who may not list them",
    state: { sentence: STATES.mayNotList },
    path: "/api/v1/orgs",
    authenticated: true,
    responseBody: errorBody("forbidden", "Insufficient permissions."),
    run: (client) => rejectsWith(client.listUserOrganizations(), 403),
  },
  {
    operationId: "listUserOrganizations",
    status: 404,
    description: "a request for organizations by a caller who belongs to none",
    state: { sentence: STATES.belongsToNone },
    path: "/api/v1/orgs",
    authenticated: true,
    responseBody: errorBody("not_found", "No organizations found."),
    run: (client) => rejectsWith(client.listUserOrganizations(), 404),
  },
  {
    operationId: "listUserOrganizations",
    status: 500,
    description: "a request for organizations while the server fails",
    state: serverFails("listUserOrganizations"),
    path: "/api/v1/orgs",
    authenticated: true,
    responseBody: errorBody("internal_error", "Internal server error."),
    run: (client) => rejectsWith(client.listUserOrganizations(), 500),
  },
];

const getCases: PactCase[] = [
  {
    operationId: "getOrganization",
    status: 200,
    description: "a request for an organization the caller is a member of",
    state: { sentence: STATES.orgMember, params: { orgId: IDS.member } },
    path: `/api/v1/orgs/${IDS.member}`,
    authenticated: true,
    responseBody: organization(IDS.member),
    run: async (client) => {
      const org = await client.getOrganization(IDS.member);
      expect(org.id).toBe(IDS.member);
      expect(org.name).toEqual(expect.any(String));
    },
  },
  {
    operationId: "getOrganization",
    status: 400,
    description: "a request for an organization with a malformed id",
    state: { sentence: STATES.authenticated },
    path: `/api/v1/orgs/${MALFORMED_ID}`,
    authenticated: true,
    responseBody: errorBody("invalid_request", "Invalid organization ID format."),
    run: (client) => rejectsWith(client.getOrganization(MALFORMED_ID), 400),
  },
  {
    operationId: "getOrganization",
    status: 401,
    description: "a request for an organization without an access token",
    path: `/api/v1/orgs/${IDS.member}`,
    authenticated: false,
    responseBody: errorBody("unauthorized", "Missing or invalid authentication token."),
    run: (client) => rejectsWith(client.getOrganization(IDS.member), 401),
  },
  {
    operationId: "getOrganization",
    status: 403,
    description: "a request for an organization the caller is not a member of",
    state: { sentence: STATES.orgForeign, params: { orgId: IDS.foreign } },
    path: `/api/v1/orgs/${IDS.foreign}`,
    authenticated: true,
    responseBody: errorBody("forbidden", "Insufficient permissions."),
    run: (client) => rejectsWith(client.getOrganization(IDS.foreign), 403),
  },
  {
    operationId: "getOrganization",
    status: 404,
    description: "a request for an organization that does not exist",
    state: { sentence: STATES.orgMissing, params: { orgId: IDS.missing } },
    path: `/api/v1/orgs/${IDS.missing}`,
    authenticated: true,
    responseBody: errorBody("not_found", "Organization not found."),
    run: (client) => rejectsWith(client.getOrganization(IDS.missing), 404),
  },
  {
    operationId: "getOrganization",
    status: 500,
    description: "a request for an organization while the server fails",
    state: serverFails("getOrganization"),
    path: `/api/v1/orgs/${IDS.member}`,
    authenticated: true,
    responseBody: errorBody("internal_error", "Internal server error."),
    run: (client) => rejectsWith(client.getOrganization(IDS.member), 500),
  },
];

const NEW_NAME = "Acme Research Labs";

const patchCases: PactCase[] = [
  {
    operationId: "updateOrganization",
    status: 200,
    description: "an update of the name and description of an organization the caller owns",
    state: { sentence: STATES.orgOwner, params: { orgId: IDS.owned } },
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: true,
    requestBody: { name: NEW_NAME, description: "Applied research" },
    // The new values are the point of the request: exact, not matched by type.
    responseBody: organization(IDS.owned, { name: NEW_NAME, description: "Applied research" }),
    run: async (client) => {
      const org = await client.updateOrganization(IDS.owned, { name: NEW_NAME, description: "Applied research" });
      expect(org).toMatchObject({ id: IDS.owned, name: NEW_NAME, description: "Applied research" });
    },
  },
  {
    operationId: "updateOrganization",
    status: 400,
    description: "an update with a name longer than 100 characters",
    state: { sentence: STATES.orgOwner, params: { orgId: IDS.owned } },
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: true,
    requestBody: { name: "x".repeat(101) },
    responseBody: errorBody("invalid_request", "name must be at most 100 characters"),
    run: (client) => rejectsWith(client.updateOrganization(IDS.owned, { name: "x".repeat(101) }), 400),
  },
  {
    operationId: "updateOrganization",
    status: 401,
    description: "an update without an access token",
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: false,
    requestBody: { name: NEW_NAME },
    responseBody: errorBody("unauthorized", "Missing or invalid authentication token."),
    run: (client) => rejectsWith(client.updateOrganization(IDS.owned, { name: NEW_NAME }), 401),
  },
  {
    operationId: "updateOrganization",
    status: 403,
    description: "an update by a member who is neither owner nor admin",
    state: { sentence: STATES.orgMember, params: { orgId: IDS.member } },
    path: `/api/v1/orgs/${IDS.member}`,
    authenticated: true,
    requestBody: { name: NEW_NAME },
    responseBody: errorBody("forbidden", "Insufficient permissions."),
    run: (client) => rejectsWith(client.updateOrganization(IDS.member, { name: NEW_NAME }), 403),
  },
  {
    operationId: "updateOrganization",
    status: 404,
    description: "an update of an organization that does not exist",
    state: { sentence: STATES.orgMissing, params: { orgId: IDS.missing } },
    path: `/api/v1/orgs/${IDS.missing}`,
    authenticated: true,
    requestBody: { name: NEW_NAME },
    responseBody: errorBody("not_found", "Organization not found."),
    run: (client) => rejectsWith(client.updateOrganization(IDS.missing, { name: NEW_NAME }), 404),
  },
  {
    operationId: "updateOrganization",
    status: 500,
    description: "an update while the server fails",
    state: serverFails("updateOrganization"),
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: true,
    requestBody: { name: NEW_NAME },
    responseBody: errorBody("internal_error", "Internal server error."),
    run: (client) => rejectsWith(client.updateOrganization(IDS.owned, { name: NEW_NAME }), 500),
  },
];

/** The PATCH rules the spec states in prose: at least one field, a name is never empty, "" clears. */
const patchEdgeCases: PactCase[] = [
  {
    operationId: "updateOrganization",
    status: 400,
    description: "an update with an empty body",
    state: { sentence: STATES.orgOwner, params: { orgId: IDS.owned } },
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: true,
    requestBody: {},
    responseBody: errorBody("invalid_request", "at least one of name or description must be provided"),
    run: (client) => rejectsWith(client.updateOrganization(IDS.owned, {}), 400),
  },
  {
    operationId: "updateOrganization",
    status: 400,
    description: "an update with an empty name",
    state: { sentence: STATES.orgOwner, params: { orgId: IDS.owned } },
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: true,
    requestBody: { name: "" },
    responseBody: errorBody("invalid_request", "name must not be empty"),
    run: (client) => rejectsWith(client.updateOrganization(IDS.owned, { name: "" }), 400),
  },
  {
    operationId: "updateOrganization",
    status: 200,
    description: "an update that clears the description",
    state: { sentence: STATES.orgOwner, params: { orgId: IDS.owned } },
    path: `/api/v1/orgs/${IDS.owned}`,
    authenticated: true,
    requestBody: { description: "" },
    // "Organization's description (if provided)": a cleared one is not provided, so the reference
    // provider leaves it out. Pact cannot say "absent" of a key, and it accepts extra keys, so an
    // example that merely omits it passed a provider that kept the description. The keys are matched
    // instead: any key but `description` (absent reads as cleared; the gate also accepts "").
    responseBody: withoutKey(organization(IDS.owned, { description: undefined }), "description"),
    run: async (client) => {
      const org = await client.updateOrganization(IDS.owned, { description: "" });
      expect(org.id).toBe(IDS.owned);
      expect(org.description ?? "").toBe("");
    },
  },
];

export const DOCUMENTED_CASES: PactCase[] = [...listCases, ...getCases, ...patchCases];
export const EDGE_CASES: PactCase[] = patchEdgeCases;
