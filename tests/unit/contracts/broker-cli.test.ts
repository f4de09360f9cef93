/**
 * The provider team's broker commands against the broker stand-in: can-i-deploy and
 * record-deployment for any pacticipant, "no" (1) told apart from "could not ask" (2), and the
 * provider contract published with the conformance run as its self-verification evidence.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { selfVerification } from "../../../src/contracts/provider-contract.js";
import { SPEC_PATH } from "../../../src/spec/paths.js";
import { type BrokerStandIn, startBrokerStandIn } from "../../support/broker-stand-in.js";
import { tokenLeaks } from "../../support/leaks.js";
import { closedPortUrl, pactFreeEnv, runPactCli } from "../../support/pact-cli.js";

const runCli = (args: string[], env: NodeJS.ProcessEnv) => runPactCli(`contracts:${args[0]}`, args.slice(1), env);
const token = `test-token-${randomBytes(12).toString("hex")}`;
const password = `pw-${randomBytes(6).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "pact-broker-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A conformance.json as the gate writes it, with these counts. */
function report(name: string, summary: Record<string, number>, checks = 3): string {
  const path = join(dir, name);
  const counts = { pass: 0, fail: 0, skip: 0, error: 0, findings: 0, ...summary };
  writeFileSync(path, JSON.stringify({ formatVersion: 1, summary: counts, checks: Array.from({ length: checks }, () => ({})) }));
  return path;
}

describe("can-i-deploy and record-deployment for the provider", () => {
  let broker: BrokerStandIn;
  beforeEach(async () => {
    broker = await startBrokerStandIn();
  });
  afterEach(() => broker.close());

  const providerEnv = () =>
    pactFreeEnv({
      PACT_BROKER_BASE_URL: broker.baseUrl,
      PACT_BROKER_TOKEN: token,
      PACT_CONSUMER_VERSION: "consumer-1",
      PACT_PROVIDER_VERSION: "provider-7",
    });

  it("can-i-deploy --pacticipant tenant-api asks for the provider at its own version", async () => {
    const run = await runCli(["can-i-deploy", "--pacticipant", "tenant-api", "--to-environment", "production"], providerEnv());
    expect(run.code, run.output).toBe(0);
    const matrix = decodeURIComponent(broker.requests.find((r) => r.url.startsWith("/matrix"))?.url ?? "");
    expect(matrix).toContain("q[][pacticipant]=tenant-api");
    expect(matrix).toContain("q[][version]=provider-7");
    expect(run.stdout).toContain("yes, deployable");
    expect(run.output).not.toContain(token);
  }, 30_000);

  it("record-deployment --pacticipant tenant-api records the provider's version", async () => {
    const run = await runCli(["record-deployment", "--pacticipant", "tenant-api", "--environment", "production"], providerEnv());
    expect(run.code, run.output).toBe(0);
    expect(
      broker.requests.some((r) => r.method === "POST" && r.url.includes("/pacticipants/tenant-api/versions/provider-7/deployed-versions/")),
    ).toBe(true);
  }, 30_000);

  it("a refusing broker is 'could not ask' (2) for can-i-deploy and record-deployment, a 'no' is 1", async () => {
    await broker.close();
    broker = await startBrokerStandIn({ deployable: false });
    const no = await runCli(["can-i-deploy", "--pacticipant", "tenant-api", "--to-environment", "production"], providerEnv());
    expect(no.code, no.output).toBe(1);
    expect(no.stdout).toContain("no, not deployable: There is no verified pact");
    await broker.close();
    broker = await startBrokerStandIn({ requireAuthorization: "Bearer some-other-token" });
    const refused = await runCli(["can-i-deploy", "--to-environment", "production"], providerEnv());
    expect(refused.code, refused.output).toBe(2);
    expect(refused.stderr).toContain("could not ask the broker");
    const notRecorded = await runCli(["record-deployment", "--environment", "production"], providerEnv());
    expect(notRecorded.code, notRecorded.output).toBe(2);
    for (const run of [no, refused, notRecorded]) expect(run.output).not.toContain(token);
  }, 60_000);

  it("no broker at the URL is exit 2 at once, not the CLI's minute of retries", async () => {
    const run = await runCli(
      ["can-i-deploy", "--to-environment", "production"],
      pactFreeEnv({ PACT_BROKER_BASE_URL: await closedPortUrl(), PACT_BROKER_TOKEN: token, PACT_CONSUMER_VERSION: "1" }),
    );
    expect(run.code, run.output).toBe(2);
    expect(run.stderr.trim().split("\n").at(-1)).toMatch(
      /^contracts:can-i-deploy: TARGET_UNREACHABLE: cannot connect to the Pact broker at/,
    );
    expect(run.output).not.toContain(token);
  }, 30_000);

  it("credentials in PACT_BROKER_BASE_URL are refused with exit 2 and never echoed", async () => {
    const url = new URL(broker.baseUrl);
    url.username = "ci";
    url.password = token;
    const run = await runCli(["publish"], pactFreeEnv({ PACT_BROKER_BASE_URL: url.toString(), PACT_CONSUMER_VERSION: "1" }));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      "contracts:publish: CONFIG_INVALID: PACT_BROKER_BASE_URL must not contain credentials: put them in PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD (or PACT_BROKER_TOKEN)",
    ]);
    expect(run.output).not.toContain(token);
    expect(broker.requests).toEqual([]);
  }, 30_000);

  // Issue 18: the CLI prints the broker's error, and a broker that echoes the Authorization header on 401
  // put PACT_BROKER_TOKEN on stdout (publish, record-deployment) and stderr (can-i-deploy).
  it.each([
    ["a token", { PACT_BROKER_TOKEN: token }, [token]],
    ["basic auth", { PACT_BROKER_USERNAME: "ci-publisher", PACT_BROKER_PASSWORD: password }, [password, `ci-publisher:${password}`]],
  ])(
    "a broker that echoes the Authorization header gets no piece of %s into the output",
    async (_name, credentials, secrets) => {
      await broker.close();
      broker = await startBrokerStandIn({ requireAuthorization: "Bearer some-other-token" });
      const env = pactFreeEnv({ PACT_BROKER_BASE_URL: broker.baseUrl, PACT_CONSUMER_VERSION: "consumer-1", ...credentials });
      for (const args of [
        ["publish"],
        ["record-deployment", "--environment", "production"],
        ["can-i-deploy", "--to-environment", "production"],
      ]) {
        const run = await runCli(args, env);
        expect(run.code, run.output).toBe(2);
        // The echo reached the output (so the check below could fail), redacted.
        expect(run.output, args[0]).toContain("[REDACTED]");
        expect(tokenLeaks(run.output, secrets), `${args[0]}: ${run.output}`).toEqual([]);
        const sent = broker.requests.at(-1)?.headers.authorization ?? "";
        expect(tokenLeaks(run.output, [sent.replace(/^(Bearer|Basic) /, "")]), args[0]).toEqual([]);
      }
    },
    240_000,
  );
});

describe("contracts:publish-provider-contract", () => {
  let broker: BrokerStandIn;
  beforeEach(async () => {
    broker = await startBrokerStandIn();
  });
  afterEach(() => broker.close());

  const publish = (reportPath: string) =>
    runCli(
      ["publish-provider-contract", "--report", reportPath],
      pactFreeEnv({
        PACT_BROKER_BASE_URL: broker.baseUrl,
        PACT_BROKER_TOKEN: token,
        PACT_PROVIDER_VERSION: "provider-7",
        PACT_PROVIDER_BRANCH: "main",
      }),
    );

  function publishedContract(): Record<string, Record<string, unknown>> & Record<string, unknown> {
    const request = broker.requests.find((r) => r.method === "POST" && r.url === "/provider-contracts/provider/tenant-api/publish");
    expect(request, broker.requests.map((r) => `${r.method} ${r.url}`).join(", ")).toBeDefined();
    return JSON.parse(request?.body ?? "{}");
  }

  it("publishes the spec with a clean conformance run as successful self-verification", async () => {
    const clean = report("clean.json", { pass: 3 });
    const run = await publish(clean);
    expect(run.code, run.output).toBe(0);
    const body = publishedContract();
    expect(body).toMatchObject({ pacticipantVersionNumber: "provider-7", branch: "main" });
    const contract = body.contract as Record<string, unknown>;
    expect(contract).toMatchObject({ specification: "oas", contentType: "application/json" });
    expect(Buffer.from(String(contract.content), "base64").toString("utf8")).toBe(readFileSync(SPEC_PATH, "utf8"));
    expect(contract.selfVerificationResults).toMatchObject({ success: true, contentType: "application/json", format: "json" });
    const evidence = (contract.selfVerificationResults as Record<string, unknown>).content;
    expect(JSON.parse(Buffer.from(String(evidence), "base64").toString("utf8"))).toEqual(JSON.parse(readFileSync(clean, "utf8")));
    expect(broker.requests.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(run.output).not.toContain(token);
  }, 30_000);

  it("a run with findings is published as failed self-verification", async () => {
    const run = await publish(report("findings.json", { pass: 2, fail: 1, findings: 2 }));
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain("self-verification from");
    expect((publishedContract().contract as Record<string, unknown>).selfVerificationResults).toMatchObject({ success: false });
  }, 30_000);

  it("a missing or broken report is exit 2 and nothing is published", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    for (const path of [join(dir, "missing.json"), broken]) {
      const run = await publish(path);
      expect(run.code, run.output).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(broker.requests).toEqual([]);
  }, 30_000);
});

describe("the conformance run as self-verification evidence", () => {
  it("succeeds only with checks and no findings, failures or errors", () => {
    expect(selfVerification(report("a.json", { pass: 3 })).success).toBe(true);
    expect(selfVerification(report("b.json", { pass: 2, fail: 1, findings: 1 })).success).toBe(false);
    expect(selfVerification(report("c.json", { pass: 2, error: 1 })).success).toBe(false);
    expect(selfVerification(report("d.json", {}, 0)).success).toBe(false);
  });

  it("refuses a file that is not a conformance report", () => {
    const path = join(dir, "other.json");
    writeFileSync(path, JSON.stringify({ summary: { findings: "none" } }));
    expect(() => selfVerification(path)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(() => selfVerification(join(dir, "absent.json"))).toThrow(expect.objectContaining({ code: "CONFIG_MISSING" }));
  });
});
