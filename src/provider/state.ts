/**
 * The reference provider's in-memory world: organizations, who belongs to them with which role, the
 * tokens that identify users, and statuses switched on from inside the process (for pact provider
 * states such as "the account is suspended"), never by a request from outside.
 */
import { makeSeed, type PersonaName, type Role, type Seed, type StoredOrganization } from "./fixtures.js";

export class ProviderState {
  organizations = new Map<string, StoredOrganization>();
  /** userId -> orgId -> role */
  memberships = new Map<string, Map<string, Role>>();
  /** access token -> userId */
  accessTokens = new Map<string, string>();
  /** inference key (`sk-nc-...`) -> userId: real keys that must still not work on this API */
  inferenceKeys = new Map<string, string>();
  /** operationId -> status to answer with after authentication */
  forcedStatuses = new Map<string, number>();
  seed: Seed;

  constructor(private readonly newOrgId: () => string) {
    this.seed = makeSeed(newOrgId);
    this.reset();
  }

  /** Back to the seed: every change, forced status and added token is dropped. */
  reset(): void {
    this.organizations = new Map(this.seed.organizations.map((org) => [org.id, { ...org }]));
    this.memberships = new Map([...this.seed.memberships].map(([user, orgs]) => [user, new Map(orgs)]));
    this.accessTokens = new Map(Object.values(this.seed.personas).map((p) => [p.token, p.userId]));
    this.inferenceKeys = new Map([[inferenceKeyFor(this.seed), this.seed.personas.owner.userId]]);
    this.forcedStatuses.clear();
  }

  userOf(persona: PersonaName): string {
    return this.seed.personas[persona].userId;
  }

  roleOf(userId: string, orgId: string): Role | undefined {
    return this.memberships.get(userId)?.get(orgId);
  }

  organizationsOf(userId: string): StoredOrganization[] {
    const orgIds = [...(this.memberships.get(userId)?.keys() ?? [])];
    return orgIds.map((id) => this.organizations.get(id)).filter((org): org is StoredOrganization => org !== undefined);
  }

  setRole(userId: string, orgId: string, role: Role | undefined): void {
    const orgs = this.memberships.get(userId) ?? new Map<string, Role>();
    if (role) orgs.set(orgId, role);
    else orgs.delete(orgId);
    this.memberships.set(userId, orgs);
  }

  /** Adds or replaces an organization; with `id` omitted a fresh one is made. */
  putOrganization(org: Omit<StoredOrganization, "id"> & { id?: string }): StoredOrganization {
    const stored = { ...org, id: org.id ?? this.newOrgId() } as StoredOrganization;
    this.organizations.set(stored.id, stored);
    return stored;
  }

  /** Registers an extra access token for a user (pact verification sends its own). */
  addAccessToken(token: string, userId: string): void {
    this.accessTokens.set(token, userId);
  }
}

/** The inference key persona is derived from the seed so it is stable for one provider instance. */
export function inferenceKeyFor(seed: Seed): string {
  return `sk-nc-${seed.personas.owner.token.slice(6)}`;
}
