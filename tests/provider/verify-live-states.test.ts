/**
 * Issue 26: `contracts:verify` against a deploy with no provider-state set-up endpoint. The states the
 * configured personas (TENANT_API_*) and the API can provide are set up through the API (the test org
 * written under the gate's journal and restored afterwards); the two that need the provider's own
 * endpoint are named and come back "not verified"; and a failure caused only by a missing state is
 * never published. The "deploy" is the reference provider without its set-up endpoint.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/contracts-verify.js";
import { exportLines } from "../../src/cli/provider.js";
import { NEEDS_ENDPOINT } from "../../src/contracts/live-states.js";
import { CONTRACTS_DIR, pactNames } from "../../src/contracts/names.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { type BrokerStandIn, type StandInPact, startBrokerStandIn } from "../support/broker-stand-in.js";
import { memoryIo } from "../support/cli-io.js";
import { pactFreeEnv, runPactCli } from "../support/pact-cli.js";

type Pact = StandInPact["content"] & { interactions: { providerStates?: { name: string }[] }[] };
const committed = JSON.parse(readFileSync(join(CONTRACTS_DIR, pactNames({}).fileName), "utf8")) as Pact;
const needsEndpoint = new Set(Object.keys(NEEDS_ENDPOINT));
const noGit = () => undefined;

describe("contracts:verify on a deploy without a provider-state endpoint (issue 26)", () => {
  let deploy: ProviderHandle;
  let stateDir: string;
  let broker: BrokerStandIn | undefined;
  beforeAll(async () => {
    deploy = await startProvider(); // no providerStates: like a real deploy
    stateDir = mkdtempSync(join(tmpdir(), "live-states-"));
  });
  afterAll(async () => {
    await deploy.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  /** The personas as `npm run provider` prints them, as a team sets them for the gate. */
  const personas = () =>
    Object.fromEntries([
      ...exportLines(deploy).map((line) =>
        line
          .replace(/^export /, "")
          .split(/=(.*)/)
          .slice(0, 2),
      ),
      ["TENANT_API_STATE_DIR", stateDir],
    ]);
  const editable = () => ({ ...deploy.state.organizations.get(deploy.orgs.editable) });

  async function verify(args: string[], extra: Record<string, string>) {
    const cli = memoryIo();
    const code = await run(["--provider-base-url", deploy.baseUrl, ...args], pactFreeEnv({ ...personas(), ...extra }), cli.io, noGit);
    const lines = cli.stdout().trimEnd().split("\n");
    return { code, stdout: cli.stdout(), last: lines.at(-1) ?? "", stderr: cli.stderr() };
  }

  it("sets up every state the personas and the API can provide, names the two that need an endpoint, and restores the org", async () => {
    const before = editable();
    const { code, stdout, last } = await verify([], {});
    expect(last).toBe("tenant-console: 16 verified, 4 not verified (no provider state set-up)");
    expect(code).toBe(1);
    for (const [state, reason] of Object.entries(NEEDS_ENDPOINT)) expect(stdout).toContain(`"${state}" (${reason})`);
    expect(stdout).toContain("the test org: RESTORED");
    expect(editable()).toEqual(before);
  }, 120_000);

  it("as a user runs it (npm run contracts:verify, in the launcher's child): the same counts, and no token in the output", async () => {
    const cli = await runPactCli("contracts:verify", ["--provider-base-url", deploy.baseUrl], pactFreeEnv(personas()));
    expect(cli.stdout.trim().split("\n").at(-1)).toBe("tenant-console: 16 verified, 4 not verified (no provider state set-up)");
    for (const token of Object.values(deploy.tokens)) expect(cli.output).not.toContain(token);
  }, 120_000);

  it("without TENANT_API_ALLOW_MUTATIONS the states that write are not set up, and nothing is written", async () => {
    const before = editable();
    const { last, stdout } = await verify([], { TENANT_API_ALLOW_MUTATIONS: "0" });
    expect(last).toMatch(/^tenant-console: \d+ verified, \d+ not verified/);
    expect(stdout).toContain(
      'provider state not set up: "an organization with id {orgId} exists and the caller is its owner": writes the test org: needs TENANT_API_ALLOW_MUTATIONS=1',
    );
    expect(editable()).toEqual(before);
  }, 120_000);

  it("--from-broker --publish publishes nothing when a state could not be set up, and says why", async () => {
    broker = await startBrokerStandIn({ pacts: [{ content: committed }] });
    const { stdout, last } = await verify(["--from-broker", "--publish"], {
      PACT_BROKER_BASE_URL: broker.baseUrl,
      PACT_PROVIDER_VERSION: "2.0.0",
    });
    expect(stdout).toContain("not published: 4 interaction(s) could not have their provider state set up");
    expect(broker.verificationResults()).toEqual([]);
    expect(last).toBe("tenant-console: 16 verified, 4 not verified (no provider state set-up)");
  }, 180_000);

  it("--from-broker --publish publishes when every state could be set up through the API", async () => {
    const settable = {
      ...committed,
      interactions: committed.interactions.filter((i) => !i.providerStates?.some((s) => needsEndpoint.has(s.name))),
    };
    broker = await startBrokerStandIn({ pacts: [{ content: settable }] });
    const before = editable();
    const { code, last } = await verify(["--from-broker", "--publish"], {
      PACT_BROKER_BASE_URL: broker.baseUrl,
      PACT_PROVIDER_VERSION: "2.0.0",
    });
    expect(last).toBe("tenant-console: 16 verified");
    expect(code).toBe(0);
    expect(broker.verificationResults().map((r) => r.body.success)).toEqual([true]);
    expect(editable()).toEqual(before);
  }, 180_000);
});
