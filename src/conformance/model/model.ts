/**
 * The model of the model-based run: the reference provider itself (its state, its rules, its request
 * handler), reused rather than rewritten, seeded with what the run observes. It predicts the status
 * of every request and, after an applied PATCH, the exact stored values; `divergences` compares a
 * prediction with the target's answer, allowing only the freedoms the docs leave.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Role, StoredOrganization } from "../../provider/fixtures.js";
import { type HandlerDeps, handle } from "../../provider/handlers.js";
import type { Reply } from "../../provider/rules.js";
import { referenceRules } from "../../provider/rules.js";
import { ProviderState } from "../../provider/state.js";
import type { SpecDocument } from "../../spec/document.js";
import type { Organization } from "../../spec/types.js";
import { preview } from "../../validation/problems.js";
import type { SpecValidators } from "../../validation/validators.js";
import { describeValue } from "../context.js";
import type { Target } from "../target.js";
import type { OrgName, PersonaName, ReplayableRequest } from "./commands.js";

/** The model's own Authorization headers: stand-ins for the personas, never the target's tokens. */
const MODEL_AUTHORIZATION: Record<PersonaName, string | undefined> = {
  owner: "Bearer model-owner",
  admin: "Bearer model-admin",
  member: "Bearer model-member",
  outsider: "Bearer model-outsider",
  noToken: undefined,
  inferenceKey: "Bearer sk-nc-model",
};

/** The foreign org's values are never observed (nobody the run has may read it): only its existence is modelled. */
const UNKNOWN = "(not observed)";

export class ModelWorld {
  private readonly deps: HandlerDeps;

  /** `observed`: the org under test as its owner's GET answered, at the start of the sequence. */
  constructor(
    observed: Organization,
    private readonly target: Target & { orgId: string },
    validators: SpecValidators,
  ) {
    const state = new ProviderState(randomUUID);
    const editable = { ...observed } as StoredOrganization;
    state.organizations = new Map([[target.orgId, editable]]);
    state.memberships = new Map<string, Map<string, Role>>([
      ["owner", new Map([[target.orgId, "owner"]])],
      ["admin", new Map([[target.orgId, "admin"]])],
      ["member", new Map([[target.orgId, "member"]])],
    ]);
    if (target.foreignOrgId !== undefined) {
      const foreign = { id: target.foreignOrgId, name: UNKNOWN, status: "active", referral_code: UNKNOWN } as const;
      state.organizations.set(target.foreignOrgId, foreign);
      state.memberships.set("stranger", new Map([[target.foreignOrgId, "owner"]]));
    }
    state.accessTokens = new Map(["owner", "admin", "member", "outsider"].map((user) => [`model-${user}`, user]));
    state.inferenceKeys = new Map([["sk-nc-model", "owner"]]);
    // The target's malformed id is whatever it was told is malformed; everything else is its id shape.
    const rules = { ...referenceRules, isWellFormedOrgId: (id: string) => id !== target.invalidOrgId };
    this.deps = { state, rules, validators };
  }

  /** The org under test as the model holds it now. */
  editable(): StoredOrganization {
    return this.deps.state.organizations.get(this.target.orgId) as StoredOrganization;
  }

  orgId(org: OrgName): string {
    const ids: Record<OrgName, string | undefined> = {
      editable: this.target.orgId,
      foreign: this.target.foreignOrgId,
      missing: this.target.missingOrgId,
      malformed: this.target.invalidOrgId,
    };
    return ids[org] ?? this.target.orgId;
  }

  /** What the reference rules answer; an applied PATCH changes the model as it should change the target. */
  predict(request: Omit<ReplayableRequest, "path">, org: OrgName | undefined): Reply {
    const authorization = MODEL_AUTHORIZATION[request.persona];
    if (org === undefined) return handle({ operationId: "listUserOrganizations", authorization }, this.deps);
    const orgId = this.orgId(org);
    if (request.method === "GET") return handle({ operationId: "getOrganization", authorization, orgId }, this.deps);
    return handle({ operationId: "updateOrganization", authorization, orgId, bodyText: JSON.stringify(request.body) }, this.deps);
  }

  /** Whether the persona belongs to the org at all: a refusal of a stranger may be 403 or 404. */
  isStranger(persona: PersonaName, org: OrgName): boolean {
    return this.deps.state.roleOf(persona, this.orgId(org)) === undefined;
  }

  /** The orgs whose values and membership the model knows, by the id their bodies carry. */
  knownOrgs(): StoredOrganization[] {
    return [...this.deps.state.organizations.values()];
  }
}

/** What the target answered: status and parsed body. */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Every difference between the prediction and the answer, outside the freedoms the docs allow:
 * 403 or 404 for an org the caller does not belong to, 404 or an empty list for a user without
 * orgs, a cleared description absent or "", extra properties, and other orgs in a list.
 */
export function divergences(
  world: ModelWorld,
  request: Omit<ReplayableRequest, "path">,
  org: OrgName | undefined,
  predicted: Reply,
  answer: Answer,
  spec: SpecDocument,
): string[] {
  const allowed = [predicted.status];
  if (org !== undefined && predicted.status === 403 && world.isStranger(request.persona, org)) allowed.push(404);
  const emptyList = org === undefined && predicted.status === 404 && answer.status === 200;
  if (!allowed.includes(answer.status) && !emptyList) return [`status ${answer.status}, expected ${allowed.join(" or ")}`];
  if (answer.status !== 200) return [];
  const fields = documentedFields(spec);
  if (org !== undefined) return orgDifferences(predicted.body as StoredOrganization, answer.body as Organization, fields, "");
  if (emptyList) {
    const items = listItems(answer.body);
    return items.length === 0 ? [] : [`a list of ${items.length} organizations, expected 404 or an empty list`];
  }
  return listDifferences(world, listItems(predicted.body) as StoredOrganization[], listItems(answer.body), fields);
}

/** Every org the model knows is listed exactly when the rules list it, with the predicted values. */
function listDifferences(world: ModelWorld, predicted: StoredOrganization[], items: Organization[], fields: string[]): string[] {
  const found: string[] = [];
  for (const known of world.knownOrgs()) {
    const want = predicted.find((item) => item.id === known.id);
    const got = items.find((item) => item.id === known.id);
    if (want === undefined && got !== undefined) found.push(`/data: lists ${preview(known.id)}, which the caller does not belong to`);
    else if (want !== undefined && got === undefined) found.push(`/data: lacks ${preview(known.id)}`);
    else if (want !== undefined && got !== undefined) found.push(...orgDifferences(want, got, fields, `/data[id=${known.id}]`));
  }
  return found;
}

function orgDifferences(want: StoredOrganization, got: Organization, fields: string[], at: string): string[] {
  const found: string[] = [];
  for (const field of fields) {
    const expected = (want as unknown as Record<string, unknown>)[field];
    const actual = (got as Record<string, unknown>)[field];
    if (isDeepStrictEqual(expected, actual) || (field === "description" && isCleared(expected) && isCleared(actual))) continue;
    found.push(`${at}/${field}: ${describeValue(actual)}, expected ${describeValue(expected)}`);
  }
  return found;
}

/** A cleared description may be absent or "" (the docs say "if provided"). */
function isCleared(description: unknown): boolean {
  return description === undefined || description === "";
}

function listItems(body: unknown): Organization[] {
  const data = (body as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? (data as Organization[]) : [];
}

/** The organization's properties as the spec documents them; any other property is an allowed extra. */
function documentedFields(spec: SpecDocument): string[] {
  const schemas = (spec.raw.components as { schemas?: Record<string, { properties?: object }> } | undefined)?.schemas;
  return Object.keys(schemas?.OrganizationResponse?.properties ?? {});
}
