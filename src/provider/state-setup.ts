/**
 * The provider's world as set-up code sees it: pact provider states and tests add organizations,
 * roles and tokens, and switch on statuses no request can cause (list 403, any 500). No handler
 * calls these, so they live apart from state.ts, outside the files Stryker mutates.
 */
import type { PersonaName, Role, StoredOrganization } from "./fixtures.js";
import { ProviderState } from "./state.js";

export class ProviderWorld extends ProviderState {
  /** operationId -> status to answer with after authentication (server.ts) */
  forcedStatuses = new Map<string, number>();

  /** Back to the seed, forced statuses included. */
  override reset(): void {
    super.reset();
    // Assigned, not cleared: the base constructor calls reset() before this class's fields exist.
    this.forcedStatuses = new Map();
  }

  userOf(persona: PersonaName): string {
    return this.seed.personas[persona].userId;
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
