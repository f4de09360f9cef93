/**
 * Provider verification: the committed pact (never a freshly produced one, so this does not depend
 * on the contract project running first) against the reference provider, with state handlers
 * keyed by the consumer's sentences and set up through the provider's in-process API.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRACTS_DIR, pactNames } from "../../src/contracts/names.js";
import { stateHandlers } from "../../src/contracts/provider-states.js";
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
    expect(outcome).toEqual({ verified: 20, needsSetup: [] });
  }, 60_000);

  it("without a way to set up states, verifies the state-less 401s and reports the rest", async () => {
    const outcome = await verifyPacts({ providerBaseUrl: provider.baseUrl, pactFiles: [committedPact] });
    expect(outcome.verified).toBe(3);
    expect(outcome.needsSetup).toHaveLength(17);
    expect(outcome.needsSetup[0]?.states[0]).toEqual(expect.any(String));
  }, 60_000);

  it("sets states up through a running provider's state set-up URL", async () => {
    // A stand-in for a provider's own set-up endpoint, answering pact's {state, params, action} POST.
    const handlers = stateHandlers(provider.state);
    const seen: string[] = [];
    const setup: Server = createServer((request, response) => {
      let text = "";
      request.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      request.on("end", () => {
        const { state, params } = JSON.parse(text) as { state: keyof typeof handlers; params: unknown };
        seen.push(state);
        void handlers[state](params).then(() => response.writeHead(200, { "content-type": "application/json" }).end("{}"));
      });
    });
    await new Promise<void>((resolve) => setup.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = setup.address() as AddressInfo;
      const outcome = await verifyPacts({
        providerBaseUrl: provider.baseUrl,
        pactFiles: [committedPact],
        providerStatesSetupUrl: `http://127.0.0.1:${port}/pact-states`,
      });
      expect(outcome).toEqual({ verified: 20, needsSetup: [] });
      expect(seen).toHaveLength(17);
    } finally {
      setup.close();
    }
  }, 60_000);

  it("fails against a provider that breaks the contract (403 answered as 404)", async () => {
    const broken = await startProvider({ rules: { foreignStatus: 404 } });
    try {
      await expect(
        verifyPacts({ providerBaseUrl: broken.baseUrl, pactFiles: [committedPact], stateHandlers: stateHandlers(broken.state) }),
      ).rejects.toThrow(/has status code 403/);
    } finally {
      await broken.close();
    }
  }, 60_000);
});
