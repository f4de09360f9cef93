/**
 * The pact's gallery: faulty reference providers, each the bug a real server could have, and the
 * interactions of contracts/tenant-console-tenant-api.json that must fail against it (and no other).
 * Every interaction appears in some fault's list: an interaction no fault can fail proves nothing
 * (issue 26: "an update that clears the description" passed a provider that kept it).
 */
import type { IncomingMessage } from "node:http";
import { referenceRules } from "../../src/provider/rules.js";
import type { ProviderOptions } from "../../src/provider/server.js";
import type { ProviderWorld } from "../../src/provider/state-setup.js";
import type { OrganizationUpdate } from "../../src/spec/types.js";

export interface PactFault {
  name: string;
  rules?: ProviderOptions["rules"];
  /** Sees each API request first, with the provider's world ; the provider then answers as usual. */
  before?: (request: IncomingMessage, world: ProviderWorld) => void;
  /** The descriptions of the interactions that must fail, exactly. */
  fails: string[];
}

const isEmptyObject = (body: unknown) =>
  typeof body === "object" && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;

/** The reference's update rules, minus the schema's length limits (a server that checks "not empty" by hand). */
function checkWithoutLengthLimit(body: unknown): string | undefined {
  const update = body as OrganizationUpdate;
  if (update.name === "") return "name must not be empty";
  return update.name === undefined && update.description === undefined ? "at least one field" : undefined;
}

export const pactFaults: PactFault[] = [
  {
    name: "the list shows a member none of their organizations",
    rules: { visibleOrganizations: () => [] },
    fails: ["a request for the caller's organizations"],
  },
  {
    name: "a request without a token is served as a default user",
    rules: {
      authenticate: (header, state) =>
        header === undefined ? state.seed.personas.owner.userId : referenceRules.authenticate(header, state),
    },
    fails: [
      "a request for organizations without an access token",
      "a request for an organization without an access token",
      "an update without an access token",
    ],
  },
  {
    name: "the list never checks the permission to list",
    before: (request, world) => {
      if (request.method === "GET" && /\/orgs$/.test(request.url ?? "") && world.forcedStatuses.get("listUserOrganizations") === 403) {
        world.forcedStatuses.delete("listUserOrganizations");
      }
    },
    fails: ["a request for organizations by a caller who may not list them"],
  },
  {
    name: "no organizations is answered 404 without an error code",
    rules: { noOrganizations: () => ({ status: 404, body: { message: "No organizations found." } }) },
    fails: ["a request for organizations by a caller who belongs to none"],
  },
  {
    name: "a failing handler's error is swallowed and the request served as usual",
    before: (_request, world) => {
      for (const [operationId, status] of world.forcedStatuses) if (status === 500) world.forcedStatuses.delete(operationId);
    },
    fails: [
      "a request for organizations while the server fails",
      "a request for an organization while the server fails",
      "an update while the server fails",
    ],
  },
  {
    name: "a member may not read their own organization",
    rules: { canRead: (role) => role === "owner" || role === "admin" },
    fails: ["a request for an organization the caller is a member of"],
  },
  {
    name: "a malformed id is looked up instead of refused",
    rules: { isWellFormedOrgId: () => true },
    fails: ["a request for an organization with a malformed id"],
  },
  {
    name: "anyone may read any organization",
    rules: { canRead: () => true },
    fails: ["a request for an organization the caller is not a member of"],
  },
  {
    name: "a missing organization answers 403",
    rules: { missingStatus: 403 },
    fails: ["a request for an organization that does not exist", "an update of an organization that does not exist"],
  },
  {
    name: "an update ignores the new name",
    rules: {
      applyUpdate: (org, update) => referenceRules.applyUpdate(org, { ...update, name: undefined } as OrganizationUpdate),
    },
    fails: ["an update of the name and description of an organization the caller owns"],
  },
  {
    name: "a name longer than 100 characters is accepted",
    rules: { checkUpdate: (body) => checkWithoutLengthLimit(body) },
    fails: ["an update with a name longer than 100 characters"],
  },
  {
    name: "a member may update the organization",
    rules: { canWrite: (role) => role !== undefined },
    fails: ["an update by a member who is neither owner nor admin"],
  },
  {
    name: "an empty PATCH body is accepted",
    rules: { checkUpdate: (body, org, v) => (isEmptyObject(body) ? undefined : referenceRules.checkUpdate(body, org, v)) },
    fails: ["an update with an empty body"],
  },
  {
    name: "an empty name is accepted",
    rules: {
      checkUpdate: (body, org, v) => ((body as OrganizationUpdate).name === "" ? undefined : referenceRules.checkUpdate(body, org, v)),
    },
    fails: ["an update with an empty name"],
  },
  {
    name: "an empty description is ignored instead of clearing it",
    rules: {
      applyUpdate: (org, update) => {
        if (update.name !== undefined) org.name = update.name;
        if (update.description) org.description = update.description;
      },
    },
    fails: ["an update that clears the description"],
  },
];
