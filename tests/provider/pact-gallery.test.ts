/**
 * Every interaction of the committed pact can fail: each fault of tests/support/pact-faults.ts is a
 * reference provider with one bug, verified against the whole pact, and exactly the interactions
 * that name the broken rule fail. Against the correct provider all of them verify (verify.test.ts).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTRACTS_DIR, pactNames } from "../../src/contracts/names.js";
import { loadPact } from "../../src/contracts/pact-model.js";
import { stateHandlers } from "../../src/contracts/provider-states.js";
import { verifyPacts } from "../../src/contracts/verify.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { type PactFault, pactFaults } from "../support/pact-faults.js";

const names = pactNames();
const committedPact = join(CONTRACTS_DIR, names.fileName);
const descriptions = loadPact(committedPact).interactions.map((i) => i.description);

/** The descriptions of the interactions that failed (the core names them "<provider> - <description>" after the states). */
async function failingInteractions(fault: PactFault): Promise<string[]> {
  let provider: ProviderHandle | undefined;
  const before = fault.before;
  provider = await startProvider({
    ...(fault.rules ? { rules: fault.rules } : {}),
    ...(before
      ? {
          intercept: (request) => {
            if (provider) before(request, provider.state);
            return false;
          },
        }
      : {}),
  });
  try {
    const outcome = await verifyPacts({
      providerBaseUrl: provider.baseUrl,
      pactFiles: [committedPact],
      stateHandlers: stateHandlers(provider.state),
    });
    return outcome.problems.map((p) => descriptions.find((d) => p.interaction.endsWith(d)) ?? p.interaction).sort();
  } finally {
    await provider.close();
  }
}

describe(`every interaction of contracts/${names.fileName} fails against a provider that breaks its rule`, () => {
  it("each interaction has a fault in the gallery", () => {
    const covered = new Set(pactFaults.flatMap((f) => f.fails));
    expect(descriptions.filter((d) => !covered.has(d))).toEqual([]);
    expect([...covered].filter((d) => !descriptions.includes(d))).toEqual([]);
  });

  for (const fault of pactFaults) {
    it(`${fault.name}: fails ${fault.fails.length === 1 ? `"${fault.fails[0]}"` : `${fault.fails.length} interactions`} and no other`, async () => {
      expect(await failingInteractions(fault)).toEqual([...fault.fails].sort());
    }, 60_000);
  }
});
