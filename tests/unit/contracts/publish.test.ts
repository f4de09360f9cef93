/**
 * Publishing with the official pact-broker CLI to a loopback broker stand-in that records what
 * arrives: the publish-contracts request must carry the committed pact (base64), the version, the
 * branch, the build URL and the bearer token, and the token must never appear in the output.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildCommand, describeCommand } from "../../../src/contracts/broker-command.js";
import { consumerBranch, consumerVersion } from "../../../src/contracts/broker-config.js";
import { CONTRACTS_DIR, pactNames } from "../../../src/contracts/names.js";
import { type BrokerStandIn, startBrokerStandIn } from "../../support/broker-stand-in.js";
import { pactFreeEnv, runPactCli } from "../../support/pact-cli.js";

const runCli = async (args: string[], env: NodeJS.ProcessEnv) => runPactCli(`contracts:${args[0]}`, args.slice(1), env);
const cleanEnv = pactFreeEnv;

describe("contracts:publish / can-i-deploy / record-deployment against a broker stand-in", () => {
  let broker: BrokerStandIn;
  const token = `test-token-${randomBytes(12).toString("hex")}`;
  beforeEach(async () => {
    broker = await startBrokerStandIn();
  });
  afterEach(() => broker.close());

  it("publishes the committed pact with version, branch, build URL and bearer token", async () => {
    const run = await runCli(
      ["publish"],
      cleanEnv({
        PACT_BROKER_BASE_URL: broker.baseUrl,
        PACT_BROKER_TOKEN: token,
        PACT_CONSUMER_VERSION: "1.4.0+abc1234",
        PACT_CONSUMER_BRANCH: "feature/org-rename",
        GITHUB_ACTIONS: "true",
        GITHUB_SERVER_URL: "https://github.example",
        GITHUB_REPOSITORY: "neevcloud/tenant-console",
        GITHUB_RUN_ID: "4242",
      }),
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain(token);
    expect(run.output).toContain("(bearer token)");

    const publish = broker.requests.find((r) => r.method === "POST" && r.url === "/contracts/publish");
    expect(publish, `requests: ${broker.requests.map((r) => `${r.method} ${r.url}`).join(", ")}`).toBeDefined();
    for (const request of broker.requests) expect(request.headers.authorization).toBe(`Bearer ${token}`);
    const body = JSON.parse(publish?.body ?? "{}") as Record<string, unknown>;
    const names = pactNames({});
    expect(body).toMatchObject({
      pacticipantName: names.consumer,
      pacticipantVersionNumber: "1.4.0+abc1234",
      branch: "feature/org-rename",
      buildUrl: "https://github.example/neevcloud/tenant-console/actions/runs/4242",
    });
    const contracts = body.contracts as Record<string, string>[];
    expect(contracts).toHaveLength(1);
    expect(contracts[0]).toMatchObject({
      consumerName: names.consumer,
      providerName: names.provider,
      specification: "pact",
      contentType: "application/json",
    });
    const published = JSON.parse(Buffer.from(contracts[0]?.content ?? "", "base64").toString("utf8"));
    // The CLI re-serialises the pact and stamps its own pact-models version into the metadata.
    const committed = JSON.parse(readFileSync(join(CONTRACTS_DIR, names.fileName), "utf8"));
    for (const key of ["consumer", "provider", "interactions"]) expect(published[key]).toEqual(committed[key]);
    expect(published.metadata.pactSpecification).toEqual({ version: "4.0" });
  }, 30_000);

  it("sends basic auth when a username and password are given", async () => {
    const run = await runCli(
      ["publish"],
      cleanEnv({
        PACT_BROKER_BASE_URL: broker.baseUrl,
        PACT_BROKER_USERNAME: "ci",
        PACT_BROKER_PASSWORD: token,
        PACT_CONSUMER_VERSION: "1",
      }),
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain(token);
    expect(broker.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`ci:${token}`).toString("base64")}`);
  }, 30_000);

  it("can-i-deploy asks the matrix for the version and environment and passes the CLI's answer on", async () => {
    const run = await runCli(
      ["can-i-deploy", "--to-environment", "production"],
      cleanEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER_VERSION: "1.4.0" }),
    );
    expect(run.code, run.output).toBe(0);
    const matrix = broker.requests.find((r) => r.url.startsWith("/matrix"));
    expect(decodeURIComponent(matrix?.url ?? "")).toContain("q[][version]=1.4.0");
    expect(matrix?.url).toContain("environment=production");
  }, 30_000);

  it("can-i-deploy exits 1 when the broker says no", async () => {
    await broker.close();
    broker = await startBrokerStandIn({ deployable: false });
    const run = await runCli(
      ["can-i-deploy", "--to-environment", "production"],
      cleanEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER_VERSION: "1.4.0" }),
    );
    expect(run.code, run.output).toBe(1);
  }, 30_000);

  it("record-deployment records the version in the environment", async () => {
    const run = await runCli(
      ["record-deployment", "--environment", "production"],
      cleanEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER_VERSION: "1.4.0" }),
    );
    expect(run.code, run.output).toBe(0);
    expect(broker.requests.some((r) => r.method === "POST" && r.url.includes("/versions/1.4.0/deployed-versions/"))).toBe(true);
  }, 30_000);

  it("a missing broker URL is one line on stderr and exit 2", async () => {
    const run = await runCli(["publish"], cleanEnv({ PACT_CONSUMER_VERSION: "1", PACT_BROKER_TOKEN: token }));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      "contracts:publish: CONFIG_MISSING: PACT_BROKER_BASE_URL is not set (the Pact broker to talk to)",
    ]);
    expect(run.output).not.toContain(token);
  }, 30_000);
});

/** A temporary folder holding ./contracts/<consumer>-tenant-api.json: the committed pact under `consumer`'s name. */
function teamFolder(consumer: string): string {
  const folder = mkdtempSync(join(tmpdir(), "team-"));
  mkdirSync(join(folder, "contracts"));
  const pact = JSON.parse(readFileSync(join(CONTRACTS_DIR, pactNames({}).fileName), "utf8"));
  pact.consumer = { name: consumer };
  writeFileSync(join(folder, "contracts", `${consumer}-tenant-api.json`), JSON.stringify(pact));
  return folder;
}

describe("issue 26: the pacts of the working folder, never the bundled one", () => {
  let broker: BrokerStandIn;
  const folders: string[] = [];
  beforeEach(async () => {
    broker = await startBrokerStandIn();
  });
  afterEach(async () => {
    await broker.close();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it("contracts:publish in a team's folder publishes ./contracts (tenant-mobile), not the package's tenant-console pact", async () => {
    const folder = teamFolder("tenant-mobile");
    folders.push(folder);
    const env = cleanEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER: "tenant-mobile", PACT_CONSUMER_VERSION: "2.0.0" });
    const run = await runPactCli("contracts:publish", [], env, folder);
    expect(run.code, run.output).toBe(0);
    const publish = broker.requests.find((r) => r.method === "POST" && r.url === "/contracts/publish");
    const body = JSON.parse(publish?.body ?? "{}") as { pacticipantName: string; contracts: { consumerName: string }[] };
    expect(body.pacticipantName).toBe("tenant-mobile");
    expect(body.contracts.map((c) => c.consumerName)).toEqual(["tenant-mobile"]);
  }, 30_000);

  it("contracts:publish refuses a pact of another consumer than the one named: one line naming both, exit 2, nothing sent", async () => {
    const folder = teamFolder("tenant-console");
    folders.push(folder);
    const env = cleanEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER: "tenant-mobile", PACT_CONSUMER_VERSION: "2.0.0" });
    const run = await runPactCli("contracts:publish", [], env, folder);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^contracts:publish: CONFIG_INVALID: .*"tenant-console".*"tenant-mobile" \(PACT_CONSUMER\)/);
    expect(broker.requests).toEqual([]);
  }, 30_000);

  it("contracts:publish in a folder without contracts/ says where it looked (exit 2), instead of publishing the bundled pact", async () => {
    const folder = mkdtempSync(join(tmpdir(), "empty-team-"));
    folders.push(folder);
    const env = cleanEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER_VERSION: "2.0.0" });
    const run = await runPactCli("contracts:publish", [], env, folder);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`none in ${join(folder, "contracts")}`);
    expect(broker.requests).toEqual([]);
  }, 30_000);

  it("contracts:check checks the working folder's pacts (--dir too), not the package's", async () => {
    const folder = teamFolder("tenant-mobile");
    folders.push(folder);
    const own = await runPactCli("contracts:check", [], cleanEnv({}), folder);
    expect(own.code, own.output).toBe(0);
    expect(own.stdout).toContain("contracts/tenant-mobile-tenant-api.json");
    renameSync(join(folder, "contracts"), join(folder, "pacts"));
    const elsewhere = await runPactCli("contracts:check", ["--dir", "pacts"], cleanEnv({}), folder);
    expect(elsewhere.code, elsewhere.output).toBe(0);
    expect(elsewhere.stdout).toMatch(/20 interaction\(s\) in 1 pact\(s\) \(pacts\/tenant-mobile-tenant-api.json\)/);
    const none = await runPactCli("contracts:check", [], cleanEnv({}), folder);
    expect(none.code).toBe(2);
  }, 30_000);
});

describe("broker configuration", () => {
  const noGit = () => undefined;

  it("a missing version (no PACT_CONSUMER_VERSION, no git) is a CONFIG_MISSING tool error", () => {
    expect(() => consumerVersion({}, noGit)).toThrow(expect.objectContaining({ code: "CONFIG_MISSING" }));
    expect(() => buildCommand(["publish"], { PACT_BROKER_BASE_URL: "https://broker.example" }, noGit)).toThrow(/PACT_CONSUMER_VERSION/);
  });

  it("defaults the version to the git commit and the branch to the git branch", () => {
    const git = (args: string[]) => (args.includes("--abbrev-ref") ? "pacts" : "0123abcd");
    expect(consumerVersion({}, git)).toBe("0123abcd");
    expect(consumerBranch({}, git)).toBe("pacts");
    expect(consumerBranch({}, () => "HEAD")).toBeUndefined();
    expect(consumerBranch({ PACT_CONSUMER_BRANCH: "main" }, git)).toBe("main");
  });

  it("never shows credentials in the command line it prints", () => {
    const command = buildCommand(
      ["publish"],
      { PACT_BROKER_BASE_URL: "https://broker.example", PACT_BROKER_TOKEN: "tok-secret", PACT_CONSUMER_VERSION: "1" },
      noGit,
    );
    expect(command.args.join(" ")).not.toContain("tok-secret");
    const shown = describeCommand(command);
    expect(shown).not.toContain("tok-secret");
    expect(shown).toContain("https://broker.example");
    expect(shown).toContain("(bearer token)");
  });

  it("refuses credentials in the broker URL, pointing to the username and password variables", () => {
    const env = { PACT_BROKER_BASE_URL: "https://user:hunter2@broker.example", PACT_CONSUMER_VERSION: "1" };
    let error: unknown;
    try {
      buildCommand(["publish"], env, noGit);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "CONFIG_INVALID" });
    expect(String((error as Error).message)).toContain("PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD");
    expect(String((error as Error).message)).not.toMatch(/hunter2|user:/);
  });

  it("rejects a broker URL that is not http(s)", () => {
    expect(() => buildCommand(["publish"], { PACT_BROKER_BASE_URL: "node:internal", PACT_CONSUMER_VERSION: "1" }, noGit)).toThrow(
      /not an http\(s\) URL/,
    );
  });
});
