/**
 * Provider verification: the committed pact (never a freshly produced one, so this does not depend
 * on the contract project running first) against the reference provider, with state handlers
 * keyed by the consumer's sentences, set up in process or through the provider's own endpoint.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRACTS_DIR, pactNames } from "../../src/contracts/names.js";
import { stateHandlers } from "../../src/contracts/provider-states.js";
import { STATES } from "../../src/contracts/states.js";
import type { ConsumerTally } from "../../src/contracts/verification-report.js";
import { verifyPacts } from "../../src/contracts/verify.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";

const names = pactNames();
const committedPact = join(CONTRACTS_DIR, names.fileName);

describe(`${names.provider} honours contracts/${names.fileName}`, () => {
  let provider: ProviderHandle;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());

  it("verifies all 20 interactions with in-process state handlers", async () => {
    const outcome = await verifyPacts({
      provider: names.provider,
      providerBaseUrl: provider.baseUrl,
      pactFiles: [committedPact],
      stateHandlers: stateHandlers(provider.state),
    });
    expect(outcome).toEqual({ consumers: [consumerTally({ verified: 20 })], problems: [] });
  }, 60_000);

  it("without a way to set up states, verifies the state-less 401s and reports the rest as not verified", async () => {
    const outcome = await verifyPacts({ providerBaseUrl: provider.baseUrl, pactFiles: [committedPact] });
    expect(outcome.consumers).toEqual([consumerTally({ verified: 3, unverified: 17 })]);
    expect(outcome.problems).toHaveLength(17);
    expect(outcome.problems.every((p) => p.kind === "unverified" && !p.pending)).toBe(true);
  }, 60_000);

  it("sets every state up through the reference provider's own set-up endpoint", async () => {
    const served = await startProvider({ providerStates: true });
    try {
      const setupUrl = served.providerStatesSetupUrl ?? "";
      expect(setupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_pact\/provider-states$/);
      const outcome = await verifyPacts({ providerBaseUrl: served.baseUrl, pactFiles: [committedPact], providerStatesSetupUrl: setupUrl });
      expect(outcome).toEqual({ consumers: [consumerTally({ verified: 20 })], problems: [] });
    } finally {
      await served.close();
    }
  }, 60_000);

  it("a state set-up that fails leaves its interaction not verified, never passed", async () => {
    // The endpoint refuses one state; the verifier must not run that interaction without it.
    const served = await startProvider({ providerStates: true });
    const refusing = await startProvider({
      intercept: (request, response) => {
        if (request.method !== "POST") return false;
        let text = "";
        request.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        request.on("end", () => {
          const refused = text.includes(STATES.belongsToNone);
          void fetch(served.providerStatesSetupUrl ?? "", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: text,
          }).then((answer) => response.writeHead(refused ? 500 : answer.status, { "content-type": "application/json" }).end("{}"));
        });
        return true;
      },
    });
    try {
      const outcome = await verifyPacts({
        providerBaseUrl: served.baseUrl,
        pactFiles: [committedPact],
        providerStatesSetupUrl: `${refusing.baseUrl}/states`,
      });
      expect(outcome.consumers).toEqual([consumerTally({ verified: 19, unverified: 1 })]);
      expect(outcome.problems[0]?.interaction).toContain(STATES.belongsToNone);
    } finally {
      await refusing.close();
      await served.close();
    }
  }, 60_000);

  it("fails against a provider that breaks the contract (403 answered as 404)", async () => {
    const broken = await startProvider({ rules: { refusedStatus: (role) => (role === undefined ? 404 : 403) } });
    try {
      const outcome = await verifyPacts({
        providerBaseUrl: broken.baseUrl,
        pactFiles: [committedPact],
        stateHandlers: stateHandlers(broken.state),
      });
      expect(outcome.consumers).toEqual([consumerTally({ verified: 19, failed: 1 })]);
      expect(outcome.problems.map((p) => p.message)).toEqual(["expected 403 but was 404"]);
    } finally {
      await broken.close();
    }
  }, 60_000);
});

function consumerTally(counts: Partial<ConsumerTally>): ConsumerTally {
  return { consumer: names.consumer, verified: 0, failed: 0, unverified: 0, pending: 0, ...counts };
}
