/**
 * The provider's half of the Pact loop against the broker stand-in: `contracts:verify
 * --from-broker [--publish]` verifies what the broker selects for tenant-api against the
 * reference provider (states set up through its own endpoint), publishes each result with the
 * provider's version and branch, keeps pending pacts from failing the build, and tells a failed
 * interaction (1) from a run that could not be made (2). Secrets appear in no output.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/contracts-verify.js";
import { CONTRACTS_DIR, pactNames } from "../../src/contracts/names.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { type BrokerStandIn, type StandInPact, startBrokerStandIn } from "../support/broker-stand-in.js";
import { memoryIo } from "../support/cli-io.js";
import { closedPortUrl, pactFreeEnv, runPactCli } from "../support/pact-cli.js";

type Pact = StandInPact["content"] & { interactions: Record<string, Record<string, unknown>>[] };

const committedPact = join(CONTRACTS_DIR, pactNames({}).fileName);
const committed = JSON.parse(readFileSync(committedPact, "utf8")) as Pact;
const token = `test-token-${randomBytes(12).toString("hex")}`;
const noGit = () => undefined;

/** A second consumer's pact: three of the console's interactions, the first optionally broken. */
function mobilePact({ broken = false } = {}): Pact {
  const pact = structuredClone(committed);
  pact.consumer = { name: "tenant-mobile" };
  pact.interactions = pact.interactions.slice(0, 3);
  if (broken && pact.interactions[0]?.response) pact.interactions[0].response.status = 418;
  return pact;
}

describe("contracts:verify --from-broker", () => {
  let provider: ProviderHandle;
  let broker: BrokerStandIn | undefined;
  beforeAll(async () => {
    provider = await startProvider({ providerStates: true });
  });
  afterAll(() => provider.close());
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  async function brokerWith(pacts: StandInPact[], options: { requireAuthorization?: string } = {}): Promise<BrokerStandIn> {
    broker = await startBrokerStandIn({ pacts, ...options });
    return broker;
  }

  const env = (stand: BrokerStandIn) => ({
    PACT_BROKER_BASE_URL: stand.baseUrl,
    PACT_BROKER_TOKEN: token,
    PACT_PROVIDER_VERSION: "2.0.0",
    PACT_PROVIDER_BRANCH: "main",
  });
  const providerFlags = () => [
    "--provider-base-url",
    provider.baseUrl,
    "--provider-states-setup-url",
    provider.providerStatesSetupUrl ?? "",
  ];

  /** The CLI in process: its exit code and the lines it printed (the verifier's own report goes to stdout). */
  async function verify(args: string[], environment: NodeJS.ProcessEnv) {
    const cli = memoryIo();
    const code = await run(args, environment, cli.io, noGit);
    const lines = cli.stdout().trimEnd().split("\n");
    return { code, lines, last: lines.at(-1) ?? "", stderr: cli.stderr() };
  }

  it("verifies two consumers' pacts and publishes each result with the provider's version and branch", async () => {
    const stand = await brokerWith([{ content: committed }, { content: mobilePact() }]);
    const cli = await runPactCli("contracts:verify", [...providerFlags(), "--from-broker", "--publish"], pactFreeEnv(env(stand)));
    expect(cli.code, cli.output).toBe(0);
    expect(cli.stdout.trim().split("\n").at(-1)).toBe("tenant-console: 20 verified; tenant-mobile: 3 verified");
    expect(cli.output).not.toContain(token);

    const query = stand.requests.find((r) => r.method === "POST" && r.url === "/pacts/provider/tenant-api/for-verification");
    expect(JSON.parse(query?.body ?? "{}")).toEqual({
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }, { matchingBranch: true }],
      includePendingStatus: true,
      providerVersionBranch: "main",
    });
    const results = stand.verificationResults();
    expect(results.map((r) => r.consumer).sort()).toEqual(["tenant-console", "tenant-mobile"]);
    for (const { body } of results) expect(body).toMatchObject({ providerApplicationVersion: "2.0.0", success: true });
    expect(stand.requests.some((r) => r.method === "PUT" && r.url === "/pacticipants/tenant-api/branches/main/versions/2.0.0")).toBe(true);
    expect(stand.requests.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
  }, 60_000);

  it("a failing pending pact is published as failed and the command still exits 0", async () => {
    const stand = await brokerWith([{ content: committed }, { content: mobilePact({ broken: true }), pending: true }]);
    const result = await verify([...providerFlags(), "--from-broker", "--publish"], env(stand));
    expect(result.code, result.lines.join("\n")).toBe(0);
    expect(result.last).toBe("tenant-console: 20 verified; tenant-mobile: 2 verified, 1 failed in pending pacts");
    expect(result.lines).toContainEqual(
      expect.stringMatching(/^failed \[pending pact: does not fail the build\]: tenant-mobile .*expected 418 but was 404$/),
    );
    const success = Object.fromEntries(stand.verificationResults().map((r) => [r.consumer, r.body.success]));
    expect(success).toEqual({ "tenant-console": true, "tenant-mobile": false });
  }, 60_000);

  it("a failing pact that is not pending exits 1, and without --publish nothing is published", async () => {
    const stand = await brokerWith([{ content: committed }, { content: mobilePact({ broken: true }) }]);
    const result = await verify([...providerFlags(), "--from-broker"], env(stand));
    expect(result.code, result.lines.join("\n")).toBe(1);
    expect(result.last).toBe("tenant-console: 20 verified; tenant-mobile: 2 verified, 1 failed");
    expect(stand.verificationResults()).toEqual([]);
    expect(stand.requests.filter((r) => r.method !== "GET" && !r.url.endsWith("/for-verification"))).toEqual([]);
  }, 60_000);

  it("WIP pacts are verified, as pending, only with --include-wip-pacts-since", async () => {
    const stand = await brokerWith([{ content: committed }, { content: mobilePact({ broken: true }), wip: true }]);
    const without = await verify([...providerFlags(), "--from-broker"], env(stand));
    expect(without.last).toBe("tenant-console: 20 verified");
    const withWip = await verify([...providerFlags(), "--from-broker", "--include-wip-pacts-since", "2026-01-01"], env(stand));
    expect(withWip.code, withWip.lines.join("\n")).toBe(0);
    expect(withWip.last).toBe("tenant-console: 20 verified; tenant-mobile: 2 verified, 1 failed in pending pacts");
    const queries = stand.requests.filter((r) => r.method === "POST" && r.url.endsWith("/for-verification"));
    expect(JSON.parse(queries.at(-1)?.body ?? "{}")).toMatchObject({ includeWipPactsSince: "2026-01-01", includePendingStatus: true });
  }, 60_000);

  it("consumer version selectors can be given as JSON, and bad JSON is a tool error", async () => {
    const stand = await brokerWith([{ content: committed }]);
    const selectors = [{ branch: "release-1", consumer: "tenant-console" }];
    const result = await verify(
      [...providerFlags(), "--from-broker", "--consumer-version-selectors", JSON.stringify(selectors)],
      env(stand),
    );
    expect(result.code).toBe(0);
    const query = stand.requests.find((r) => r.method === "POST" && r.url.endsWith("/for-verification"));
    expect(JSON.parse(query?.body ?? "{}").consumerVersionSelectors).toEqual(selectors);
    const bad = await verify([...providerFlags(), "--from-broker", "--consumer-version-selectors", "{mainBranch"], env(stand));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^contracts:verify: CONFIG_INVALID: --consumer-version-selectors is not JSON/);
  }, 60_000);

  it("interactions whose state cannot be set up fail the command unless --allow-unverified", async () => {
    const stand = await brokerWith([{ content: committed }]);
    const flags = ["--provider-base-url", provider.baseUrl, "--from-broker"];
    const strict = await verify(flags, env(stand));
    expect(strict.code).toBe(1);
    expect(strict.last).toBe("tenant-console: 3 verified, 17 not verified (no provider state set-up)");
    const allowed = await verify([...flags, "--allow-unverified"], env(stand));
    expect(allowed.code).toBe(0);
    expect(allowed.last).toBe("tenant-console: 3 verified, 17 not verified (no provider state set-up) (unverified allowed)");
  }, 60_000);

  it("fetches with basic auth when a username and password are given", async () => {
    const basic = `Basic ${Buffer.from(`ci:${token}`).toString("base64")}`;
    const stand = await brokerWith([{ content: committed }], { requireAuthorization: basic });
    const { PACT_BROKER_TOKEN: _unused, ...withoutToken } = env(stand);
    const result = await verify([...providerFlags(), "--from-broker"], {
      ...withoutToken,
      PACT_BROKER_USERNAME: "ci",
      PACT_BROKER_PASSWORD: token,
    });
    expect(result.code, result.lines.join("\n")).toBe(0);
    expect(result.last).toBe("tenant-console: 20 verified");
    expect(stand.requests.length).toBeGreaterThan(0);
  }, 60_000);

  it("a run that cannot be made is a tool error: refused credentials, no pacts", async () => {
    const refusing = await brokerWith([{ content: committed }], { requireAuthorization: "Bearer another-token" });
    const refused = await verify([...providerFlags(), "--from-broker"], env(refusing));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^contracts:verify: VERIFIER_FAILED: /);
    await refusing.close();
    const empty = await brokerWith([]);
    const none = await verify([...providerFlags(), "--from-broker"], env(empty));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No pacts found/);
    const publish = await verify([...providerFlags(), "--publish"], env(empty));
    expect(publish.code).toBe(2);
    expect(publish.stderr).toBe("contracts:verify: CONFIG_INVALID: --publish needs --from-broker\n");
  }, 60_000);

  it("no broker is exit 2 with one line on stderr and no secret", async () => {
    const cli = await runPactCli(
      "contracts:verify",
      [...providerFlags(), "--from-broker"],
      pactFreeEnv({ PACT_BROKER_BASE_URL: await closedPortUrl(), PACT_BROKER_TOKEN: token }),
    );
    expect(cli.code, cli.output).toBe(2);
    expect(cli.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^contracts:verify: TARGET_UNREACHABLE: cannot connect to the Pact broker at/),
    ]);
    expect(cli.output).not.toContain(token);
  }, 30_000);

  it("without --from-broker exactly the given pact files are verified, although PACT_BROKER_* is set", async () => {
    const stand = await brokerWith([{ content: mobilePact({ broken: true }) }]);
    const cli = await runPactCli(
      "contracts:verify",
      [...providerFlags(), "--pact", committedPact],
      pactFreeEnv({ ...env(stand), PACT_BROKER_PUBLISH_VERIFICATION_RESULTS: "true" }),
    );
    expect(cli.code, cli.output).toBe(0);
    expect(cli.stdout.trim().split("\n").at(-1)).toBe("tenant-console: 20 verified");
    expect(stand.requests).toEqual([]);
    expect(cli.output).not.toContain(token);
  }, 60_000);
});
