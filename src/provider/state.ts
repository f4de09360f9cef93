/**
 * The reference provider's in-memory world as the handlers read and change it: organizations, who
 * belongs to them with which role, and the credentials that identify users. What only set-up code
 * does to it (pact provider states, tests) is in state-setup.ts.
 */
import { makeSeed, type Role, type Seed, type StoredOrganization } from "./fixtures.js";

export class ProviderState {
  organizations = new Map<string, StoredOrganization>();
  /** userId -> orgId -> role */
  memberships = new Map<string, Map<string, Role>>();
  /** access token -> userId */
  accessTokens = new Map<string, string>();
  /** inference key (`sk-nc-...`) -> userId: real keys that must still not work on this API */
  inferenceKeys = new Map<string, string>();
  seed: Seed;

  constructor(protected readonly newOrgId: () => string) {
    this.seed = makeSeed(newOrgId);
    this.reset();
  }

  /** Back to the seed: every change and added token is dropped. */
  reset(): void {
    this.organizations = new Map(this.seed.organizations.map((org) => [org.id, { ...org }]));
    this.memberships = new Map([...this.seed.memberships].map(([user, orgs]) => [user, new Map(orgs)]));
    this.accessTokens = new Map(Object.values(this.seed.personas).map((p) => [p.token, p.userId]));
    this.inferenceKeys = new Map(this.seed.inferenceKeys);
  }

  roleOf(userId: string, orgId: string): Role | undefined {
    return this.memberships.get(userId)?.get(orgId);
  }

  /** The organizations the user belongs to (a membership always names an existing org). */
  organizationsOf(userId: string): StoredOrganization[] {
    const roles = this.memberships.get(userId) ?? new Map<string, Role>();
    return [...roles.keys()].map((id) => this.organizations.get(id) as StoredOrganization);
  }
}
