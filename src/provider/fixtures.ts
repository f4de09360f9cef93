/**
 * The reference provider's starting data: five personas and three organizations. Tokens and ids are
 * made fresh per provider instance, so no test can depend on a constant that a real server lacks.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Organization } from "../spec/types.js";

export type Role = "owner" | "admin" | "member";
export type PersonaName = "owner" | "member" | "outsider" | "admin" | "foreignOwner";

export interface Persona {
  userId: string;
  token: string;
}

export interface StoredOrganization extends Required<Pick<Organization, "id" | "name" | "status" | "referral_code">> {
  /** Absent when never set or cleared: the spec says "description (if provided)". */
  description?: string;
}

export interface Seed {
  personas: Record<PersonaName, Persona>;
  organizations: StoredOrganization[];
  /** userId -> orgId -> role */
  memberships: Map<string, Map<string, Role>>;
  editableOrgId: string;
  foreignOrgId: string;
  /** inference key (`sk-nc-...`) -> userId: the owner's real key, which must still not work on this API */
  inferenceKeys: Map<string, string>;
}

export function makeToken(): string {
  return `nc-at-${randomBytes(18).toString("base64url")}`;
}

export function makeReferralCode(): string {
  return randomBytes(5).toString("hex").toUpperCase();
}

export function makeSeed(newOrgId: () => string = randomUUID): Seed {
  const persona = (): Persona => ({ userId: randomUUID(), token: makeToken() });
  const personas = { owner: persona(), admin: persona(), member: persona(), outsider: persona(), foreignOwner: persona() };
  const editable: StoredOrganization = {
    id: newOrgId(),
    name: "Acme Research",
    description: "Reference organization for conformance runs",
    referral_code: makeReferralCode(),
    status: "active",
  };
  const second: StoredOrganization = { id: newOrgId(), name: "Acme Labs", referral_code: makeReferralCode(), status: "active" };
  const foreign: StoredOrganization = {
    id: newOrgId(),
    name: "Globex",
    description: "Belongs to somebody else",
    referral_code: makeReferralCode(),
    status: "active",
  };
  const memberships = new Map<string, Map<string, Role>>([
    [
      personas.owner.userId,
      new Map<string, Role>([
        [editable.id, "owner"],
        [second.id, "member"],
      ]),
    ],
    [personas.admin.userId, new Map<string, Role>([[editable.id, "admin"]])],
    [personas.member.userId, new Map<string, Role>([[editable.id, "member"]])],
    [personas.foreignOwner.userId, new Map<string, Role>([[foreign.id, "owner"]])],
  ]);
  return {
    personas,
    organizations: [editable, second, foreign],
    memberships,
    editableOrgId: editable.id,
    foreignOrgId: foreign.id,
    inferenceKeys: new Map([[inferenceKeyOf(personas.owner.token), personas.owner.userId]]),
  };
}

/** A persona's inference key, derived from its access token so it is stable for one provider instance. */
export function inferenceKeyOf(accessToken: string): string {
  return `sk-nc-${accessToken.slice(6)}`;
}
