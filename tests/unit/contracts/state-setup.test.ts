/**
 * Pact's provider-state set-up protocol on the reference provider: each state sentence is set up
 * by the same handlers as in-process verification, the verifier's empty state and teardowns
 * answer 2xx, and anything it cannot set up is a non-2xx (so the interaction is never verified
 * without its state).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_TOKEN, STATES } from "../../../src/contracts/states.js";
import { type ProviderHandle, startProvider } from "../../../src/provider/server.js";

let provider: ProviderHandle;
beforeAll(async () => {
  provider = await startProvider({ providerStates: true });
});
afterAll(() => provider.close());

const post = (body: unknown, method = "POST") =>
  fetch(provider.providerStatesSetupUrl ?? "", {
    method,
    headers: { "content-type": "application/json" },
    ...(method === "POST" ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });

const listAsPactCaller = () =>
  fetch(`${provider.baseUrl}/api/v1/orgs`, { headers: { authorization: `Bearer ${EXAMPLE_TOKEN}` } }).then((r) => r.status);

describe("the provider-state set-up endpoint", () => {
  it("is served only when asked for, so the gate's provider has no extra route", async () => {
    const plain = await startProvider();
    try {
      expect(plain.providerStatesSetupUrl).toBeUndefined();
      const origin = new URL(plain.baseUrl).origin;
      const response = await fetch(`${origin}/_pact/provider-states`, { method: "POST", body: "{}" });
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it("sets a state up with the shared handlers: the pact's token becomes the persona it names", async () => {
    expect((await post({ state: STATES.belongsToNone, params: {}, action: "setup" })).status).toBe(200);
    expect(await listAsPactCaller()).toBe(404);
    expect((await post({ state: STATES.belongsToOrganizations, params: {}, action: "setup" })).status).toBe(200);
    expect(await listAsPactCaller()).toBe(200);
  });

  it("passes the state's params on", async () => {
    const orgId = "5b1d2c3e-0000-4000-8000-00000000abcd";
    expect((await post({ state: STATES.orgOwner, params: { orgId }, action: "setup" })).status).toBe(200);
    const response = await fetch(`${provider.baseUrl}/api/v1/orgs/${orgId}`, { headers: { authorization: `Bearer ${EXAMPLE_TOKEN}` } });
    expect(response.status).toBe(200);
  });

  it("answers 2xx to the empty state and to teardown, and does nothing for them", async () => {
    await post({ state: STATES.belongsToNone, params: {}, action: "setup" });
    expect((await post({ state: "", params: {}, action: "setup" })).status).toBe(200);
    expect((await post({ action: "setup" })).status).toBe(200);
    expect((await post({ state: STATES.belongsToNone, params: {}, action: "teardown" })).status).toBe(200);
    expect(await listAsPactCaller()).toBe(404);
  });

  it.each([
    ["an unknown state", { state: "the moon is full", params: {}, action: "setup" }, 400, /no set-up for provider state/],
    ["a state without its parameter", { state: STATES.orgOwner, params: {}, action: "setup" }, 400, /orgId/],
    ["an unknown action", { state: STATES.authenticated, action: "reset" }, 400, /expected JSON/],
    ["a body that is not JSON", "{state", 400, /expected JSON/],
  ])("refuses %s with a non-2xx", async (_label, body, status, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(JSON.stringify(await response.json())).toMatch(message);
  });

  it("takes only POST", async () => {
    expect((await post(undefined, "GET")).status).toBe(405);
  });
});
