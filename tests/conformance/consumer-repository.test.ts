/**
 * A consumer team in its own repository (issue 26, docs/contracts.md "In your own repository"): a
 * folder outside this one, with its own pact-js test written with the package's exported helpers
 * (imported here from src/index.ts, as the team imports "tenant-api-conformance"), its pact written to
 * ./contracts, then `contracts:check`, `contracts:publish` and `contracts:can-i-deploy` run from that
 * folder against the broker stand-in. The team's pact (tenant-mobile) is what is published, never
 * the package's bundled tenant-console one; an example that breaks the spec fails before any pact.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrokerStandIn, startBrokerStandIn } from "../support/broker-stand-in.js";
import { pactFreeEnv, runPactCli } from "../support/pact-cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE = pathToFileURL(join(ROOT, "src/index.ts")).href;
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;

/** The team's consumer test: one interaction, the shapes from the spec, the example checked before the pact. */
const consumerTest = (status: string) => `
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { assertExample, EXAMPLE_TOKEN, organizationMatcher, STATES, TenantClient } from "${PACKAGE}";

const orgId = "3f2c1a9e-5b7d-4c1e-9a0b-1d2e3f4a5b6c";
const pact = new PactV4({ consumer: "tenant-mobile", provider: "tenant-api", dir: "./contracts", logLevel: "error" });
// The mobile app shows the name and the status; it does not read the description.
const body = organizationMatcher({ id: MatchersV3.uuid(orgId), description: undefined, status: ${status} });
assertExample("getOrganization", 200, body);
await pact
  .addInteraction()
  .given(STATES.orgMember, { orgId })
  .uponReceiving("a request for the organization the mobile app shows")
  .withRequest("GET", "/api/v1/orgs/" + orgId, (request) =>
    request.headers({ Accept: "application/json", Authorization: MatchersV3.regex("^Bearer .+$", "Bearer " + EXAMPLE_TOKEN) }),
  )
  .willRespondWith(200, (response) => response.jsonBody(body))
  .executeTest(async (mock) => {
    const org = await new TenantClient({ baseUrl: mock.url, token: EXAMPLE_TOKEN }).getOrganization(orgId);
    if (org.id !== orgId) throw new Error("the client read another organization");
  });
`;

describe("a consumer team in its own repository (issue 26)", () => {
  let team: string;
  let broker: BrokerStandIn;
  beforeAll(async () => {
    team = mkdtempSync(join(tmpdir(), "tenant-mobile-"));
    // The team's own dependencies: @pact-foundation/pact and the tool, as `npm install` gives them.
    symlinkSync(join(ROOT, "node_modules"), join(team, "node_modules"), "dir");
    broker = await startBrokerStandIn();
  });
  afterAll(async () => {
    await broker.close();
    rmSync(team, { recursive: true, force: true });
  });

  const runTeamTest = (file: string, status: string) => {
    writeFileSync(join(team, file), consumerTest(status));
    return spawnSync(process.execPath, ["--import", TSX, file], { cwd: team, encoding: "utf8", timeout: 60_000 });
  };

  it("an example that breaks the spec fails the team's test before any pact is written", () => {
    const run = runTeamTest("broken.pact.mts", '"deleted"');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("the example for getOrganization 200 breaks the spec");
    expect(run.stderr).toContain("/status");
    expect(existsSync(join(team, "contracts"))).toBe(false);
  });

  it("its pact-js test writes ./contracts/tenant-mobile-tenant-api.json", () => {
    const run = runTeamTest("organization.pact.mts", 'MatchersV3.regex("^(active|suspended|archived|inactive)$", "active")');
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(join(team, "contracts"))).toEqual(["tenant-mobile-tenant-api.json"]);
  }, 60_000);

  it("contracts:check from its folder checks its pact against the spec", async () => {
    const run = await runPactCli("contracts:check", [], pactFreeEnv({}), team);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain("1 interaction(s) in 1 pact(s) (contracts/tenant-mobile-tenant-api.json): 0 finding(s)");
  }, 30_000);

  it("contracts:publish publishes the team's pact (tenant-mobile), not the bundled tenant-console one; can-i-deploy asks for it", async () => {
    const env = pactFreeEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER: "tenant-mobile", PACT_CONSUMER_VERSION: "3.1.0" });
    const publish = await runPactCli("contracts:publish", [], env, team);
    expect(publish.code, publish.output).toBe(0);
    const sent = broker.requests.find((r) => r.method === "POST" && r.url === "/contracts/publish");
    const body = JSON.parse(sent?.body ?? "{}") as { pacticipantName: string; contracts: { consumerName: string; content: string }[] };
    expect(body.pacticipantName).toBe("tenant-mobile");
    expect(body.contracts.map((c) => c.consumerName)).toEqual(["tenant-mobile"]);
    expect(Buffer.from(body.contracts[0]?.content ?? "", "base64").toString("utf8")).not.toContain("tenant-console");

    const canIDeploy = await runPactCli("contracts:can-i-deploy", ["--to-environment", "production"], env, team);
    expect(canIDeploy.code, canIDeploy.output).toBe(0);
    const matrix = broker.requests.find((r) => r.url.startsWith("/matrix"));
    expect(decodeURIComponent(matrix?.url ?? "")).toContain("q[][pacticipant]=tenant-mobile");
  }, 60_000);
});
