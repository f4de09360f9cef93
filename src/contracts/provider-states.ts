/**
 * Provider-state handlers for the reference provider, keyed by the consumer's sentences. Each one
 * starts from the seed, makes the pact's placeholder token identify the persona the sentence
 * names, and creates what the sentence says exists, through the provider's in-process API.
 */
import { ToolError } from "../errors.js";
import type { PersonaName, Role } from "../provider/fixtures.js";
import { makeReferralCode } from "../provider/fixtures.js";
import type { ProviderWorld } from "../provider/state-setup.js";
import { EXAMPLE_TOKEN, STATES, type StateSentence } from "./states.js";

type Params = Record<string, unknown> | undefined;
/** The shape pact's Verifier expects from a state handler. */
export type StateSetup = (params?: unknown) => Promise<undefined>;

const OPERATIONS_THAT_CAN_FAIL = new Set(["listUserOrganizations", "getOrganization", "updateOrganization"]);

export function stateHandlers(state: ProviderWorld, token: string = EXAMPLE_TOKEN): Record<StateSentence, StateSetup> {
  /** Wraps a set-up: reset, sign the placeholder token in as `persona`, then apply the specifics. */
  const as =
    (persona: PersonaName, apply: (params: Params, userId: string) => void = () => {}): StateSetup =>
    async (params) => {
      state.reset();
      const userId = state.userOf(persona);
      state.addAccessToken(token, userId);
      apply(params as Params, userId);
      return undefined;
    };
  const withOrg = (persona: PersonaName, role: Role | undefined) =>
    as(persona, (params, userId) => {
      const id = orgIdOf(params);
      state.putOrganization({
        id,
        name: "Pact Organization",
        description: "Created for a pact",
        referral_code: makeReferralCode(),
        status: "active",
      });
      state.setRole(userId, id, role);
    });

  return {
    // The owner persona of the seed belongs to two organizations.
    [STATES.belongsToOrganizations]: as("owner"),
    // The outsider persona belongs to none.
    [STATES.belongsToNone]: as("outsider"),
    // No request can make the list forbidden; the provider switches it on from inside.
    [STATES.mayNotList]: as("owner", () => state.forcedStatuses.set("listUserOrganizations", 403)),
    [STATES.authenticated]: as("owner"),
    [STATES.serverFails]: as("owner", (params) => state.forcedStatuses.set(operationIdOf(params), 500)),
    [STATES.orgMember]: withOrg("member", "member"),
    [STATES.orgOwner]: withOrg("owner", "owner"),
    [STATES.orgForeign]: withOrg("outsider", undefined),
    [STATES.orgMissing]: as("owner", (params) => state.organizations.delete(orgIdOf(params))),
  };
}

function orgIdOf(params: Params): string {
  const id = params?.orgId;
  if (typeof id !== "string") throw new ToolError("PACT_INVALID", "provider state needs a string orgId parameter");
  return id;
}

function operationIdOf(params: Params): string {
  const id = params?.operationId;
  if (typeof id !== "string" || !OPERATIONS_THAT_CAN_FAIL.has(id)) {
    throw new ToolError(
      "PACT_INVALID",
      `provider state needs an operationId parameter, one of ${[...OPERATIONS_THAT_CAN_FAIL].join(", ")}`,
    );
  }
  return id;
}
