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
import { buildCommand, canIDeployExit } from "../../../src/contracts/broker-command.js";
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

/** What a conformance.json says about its run: the verdict, the target, the selection and the findings. */
interface RunShape {
  outcome?: "PASS" | "FAIL" | "INCOMPLETE";
  embedded?: boolean;
  writes?: boolean;
  selection?: boolean;
  findings?: readonly { state: string }[];
}

/** A conformance.json as the gate writes it, with these counts; by default a PASS of a deployed API with writes. */
function report(name: string, summary: Record<string, number>, checks = 3, shape: RunShape = {}): string {
  const path = join(dir, name);
  const counts = { pass: 0, fail: 0, skip: 0, error: 0, findings: 0, ...summary };
  const { outcome = "PASS", embedded = false, writes = true, selection = false, findings = [] } = shape;
  const scope = selection ? { args: ["--checks", "list-owner-200"], selected: 1, total: 79 } : undefined;
  writeFileSync(
    path,
    JSON.stringify({
      formatVersion: 2,
      verdict: { outcome, reasons: [], deployedApiTested: !embedded, failsOnSkip: false, ...(scope ? { selection: scope } : {}) },
      summary: counts,
      findings,
      target: { baseUrl: "https://api.example.com/tenant", embedded, writes, ...(writes ? {} : { writesDenied: "--read-only was given" }) },
      checks: Array.from({ length: checks }, () => ({})),
      ...(scope ? { selection: { ...scope, notSelected: [] } } : {}),
    }),
  );
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
  }, 120_000); // three spawned CLI runs on a shared machine

  // issue 18: "unknown" (a verification result is missing) was "could not ask" (2); the official CLI's polling flags did not exist.
  it("'unknown' is its own answer, not deployable (1); --retry-while-unknown asks again; --dry-run exits 0", async () => {
    await broker.close();
    broker = await startBrokerStandIn({ deployable: null });
    const ask = ["can-i-deploy", "--pacticipant", "tenant-api", "--to-environment", "production"];
    const unknown = await runCli([...ask, "--retry-while-unknown", "2", "--retry-interval", "0"], providerEnv());
    expect(unknown.code, unknown.output).toBe(1);
    expect(unknown.stdout).toContain("unknown, so not deployable (1 verification result(s) unknown)");
    expect(broker.requests.filter((r) => r.url.startsWith("/matrix"))).toHaveLength(3);
    const dry = await runCli([...ask, "--dry-run"], providerEnv());
    expect(dry.code, dry.output).toBe(0);
    expect(dry.stdout).toContain("dry run (exit 0 whatever the answer): unknown, so not deployable");
    for (const run of [unknown, dry]) expect(run.output).not.toContain(token);
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

  // issue 18: success was published from the embedded provider's report, a read-only run or an incomplete one.
  it("refuses, exit 2 and nothing published, a report of the embedded provider, with findings, or incomplete", async () => {
    for (const path of [
      report("embedded.json", { pass: 3 }, 3, { embedded: true }),
      report("failed.json", { pass: 2, fail: 1, findings: 2 }, 3, { outcome: "FAIL", findings: [{ state: "new" }] }),
    ]) {
      const run = await publish(path);
      expect(run.code, run.output).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain("cannot be published as the provider's self-verification");
    }
    expect(broker.requests).toEqual([]);
  }, 60_000);

  it("a missing or broken report is exit 2 and nothing is published", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    for (const path of [join(dir, "missing.json"), broken]) {
      const run = await publish(path);
      expect(run.code, run.output).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(broker.requests).toEqual([]);
  }, 60_000);
});

describe("the conformance run as self-verification evidence", () => {
  it("is a passing run of the deployed API with writes and every check, whose findings are all known issues", () => {
    expect(selfVerification(report("a.json", { pass: 3 })).success).toBe(true);
    expect(selfVerification(report("k.json", { pass: 2, fail: 1, findings: 1 }, 3, { findings: [{ state: "known" }] })).success).toBe(true);
  });

  it.each([
    ["the embedded provider", { embedded: true }, /embedded reference provider: no deployed API was tested/],
    ["a read-only run", { writes: false, outcome: "INCOMPLETE" }, /read-only run \(--read-only was given\)/],
    ["an incomplete run", { outcome: "INCOMPLETE" }, /has the verdict INCOMPLETE/],
    ["a failed run", { outcome: "FAIL", findings: [{ state: "new" }] }, /has the verdict FAIL/],
    ["a selection", { selection: true }, /selected checks only/],
    ["a PASS that --fail-on new let unchanged findings through", { findings: [{ state: "unchanged" }] }, /not accepted as known/],
  ] as const)("refuses %s", (_name, shape, why) => {
    const path = report("refused.json", { pass: 3 }, 3, shape);
    expect(() => selfVerification(path)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringMatching(why) }));
  });

  it("refuses a report without a verdict (an older suite's) and one that checked nothing", () => {
    const path = join(dir, "old.json");
    writeFileSync(path, JSON.stringify({ formatVersion: 1, summary: { pass: 3, fail: 0, skip: 0, error: 0, findings: 0 }, checks: [{}] }));
    expect(() => selfVerification(path)).toThrow(/has no verdict or target/);
    expect(() => selfVerification(report("d.json", {}, 0))).toThrow(/ran no check/);
  });

  it("refuses a file that is not a conformance report", () => {
    const path = join(dir, "other.json");
    writeFileSync(path, JSON.stringify({ summary: { findings: "none" } }));
    expect(() => selfVerification(path)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(() => selfVerification(join(dir, "absent.json"))).toThrow(expect.objectContaining({ code: "CONFIG_MISSING" }));
  });
});

describe("the official CLIs' flag names", () => {
  const env = { PACT_BROKER_BASE_URL: "https://broker.example", PACT_CONSUMER_VERSION: "1", PACT_PROVIDER_VERSION: "7" };
  const noGit = () => undefined;

  it("can-i-deploy takes --pacticipant, --version, --to-environment, --retry-while-unknown, --retry-interval and --dry-run", () => {
    const argv = [
      "--pacticipant",
      "tenant-api",
      "--version",
      "9",
      "--to-environment",
      "prod",
      "--retry-while-unknown",
      "5",
      "--retry-interval",
      "30",
      "--dry-run",
    ];
    const command = buildCommand(["can-i-deploy", ...argv], env, noGit);
    expect(command.args.slice(0, 12)).toEqual([
      "can-i-deploy",
      "--pacticipant",
      "tenant-api",
      "--version",
      "9",
      "--to-environment",
      "prod",
      "--retry-while-unknown",
      "5",
      "--retry-interval",
      "30",
      "--dry-run",
    ]);
    expect(command.dryRun).toBe(true);
    expect(() => buildCommand(["can-i-deploy", "--to-environment", "prod", "--retry-interval", "30"], env, noGit)).toThrow(
      /--retry-interval goes with --retry-while-unknown/,
    );
    expect(() => buildCommand(["can-i-deploy", "--to-environment", "prod", "--retry-while-unknown", "soon"], env, noGit)).toThrow(
      /--retry-while-unknown must be a non-negative integer, got "soon"/,
    );
  });

  it("publish-provider-contract takes --provider-app-version", () => {
    const path = report("versioned.json", { pass: 3 });
    const command = buildCommand(["publish-provider-contract", "--report", path, "--provider-app-version", "2.0.1"], env, noGit);
    expect(command.args[command.args.indexOf("--provider-app-version") + 1]).toBe("2.0.1");
  });

  it.each([
    ["can-i-deploy", "--publish-verification-results", "here it is --publish (with contracts:verify --from-broker)"],
    ["record-deployment", "--provider-app-version=3", "here it is PACT_PROVIDER_VERSION in the environment"],
    ["can-i-deploy", "--broker-token", "here it is PACT_BROKER_TOKEN in the environment (never on the command line)"],
  ])("%s %s says what to write here instead", (command, flag, hint) => {
    const name = flag.split("=")[0];
    expect(() => buildCommand([command, flag, "x"], env, noGit)).toThrow(`unknown option ${name}: ${hint}; see --help`);
  });

  it("reads the answer: true yes (0), false no (1), null unknown (1), --dry-run 0, no summary could not ask (2)", () => {
    const answer = (deployable: unknown, dryRun = false) => {
      const lines: string[] = [];
      const stdout = JSON.stringify({ summary: { deployable, reason: "r", unknown: 1 } });
      return {
        code: canIDeployExit(
          { code: 0, stdout },
          (line) => lines.push(line),
          () => {},
          dryRun,
        ),
        lines,
      };
    };
    expect(answer(true)).toMatchObject({ code: 0, lines: ["yes, deployable: r"] });
    expect(answer(false)).toMatchObject({ code: 1, lines: ["no, not deployable: r"] });
    expect(answer(null).code).toBe(1);
    expect(answer(null).lines[0]).toMatch(/^unknown, so not deployable \(1 verification result\(s\) unknown\)/);
    expect(answer(false, true)).toMatchObject({ code: 0, lines: ["dry run (exit 0 whatever the answer): no, not deployable: r"] });
    expect(answer("maybe").code).toBe(2);
  });
});
