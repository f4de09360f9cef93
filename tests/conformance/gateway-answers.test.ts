/**
 * Issue 24, the gate's half: what the run does with the infrastructure's answers. A gateway's page, a
 * rate limiter's 429 or a proxy's 407 is not the API's answer: it is judged under no API rule, the
 * check it answered is not run (never passed, never a finding), and the run says plainly that the
 * infrastructure answered (INCOMPLETE, exit 2). A 5xx JSON ErrorResponse is still the API's own answer.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/conformance.js";
import { catalog } from "../../src/conformance/catalog.js";
import { generatedBodiesCheck } from "../../src/conformance/generated/check.js";
import { gateExitCode } from "../../src/findings/gate.js";
import { triaged } from "../../src/findings/triage.js";
import { startProvider } from "../../src/provider/server.js";
import { renderSummary } from "../../src/report/console.js";
import { memoryIo } from "../support/cli-io.js";
import { type GatewayRule, nginxPage, type RunBehindOptions, runBehindGateway, standInGateway } from "../support/gateway-stand-ins.js";
import { findingLines } from "../support/run-against.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The catalog (or `checks`) in process behind a gateway following `rule`; closed after each test. */
const runBehind = (rule: GatewayRule, options: RunBehindOptions = {}) => runBehindGateway(rule, options, closers);

const unknownToken = (authorization: string | undefined) => authorization?.includes("nc-unknown-") === true;

describe("a gateway's answer is not the API's", () => {
  it("leaves the checks nginx's limit_req page answered not run, files nothing, and says the gateway answered (exit 2)", async () => {
    // Stands for nginx `limit_req` on unknown credentials (its default status is 503, with its HTML page).
    const { result } = await runBehind(({ authorization }) =>
      unknownToken(authorization) ? nginxPage(503, "Service Temporarily Unavailable") : undefined,
    );
    expect(findingLines(result)).toEqual([]);
    const answered = result.checks.filter((c) => c.id.includes("unknown-token"));
    expect(answered.length).toBe(3);
    for (const check of answered) {
      expect(check.outcome).toBe("skip");
      expect(check.reason).toContain("the gateway answered 503 (an HTML page)");
    }
    const [count, ...others] = result.infrastructure?.counts ?? [];
    expect(others).toEqual([]);
    expect(count).toMatchObject({ source: "gateway", status: 503 });
    expect(count?.requests).toBeGreaterThanOrEqual(3);
    const run = triaged(result);
    expect(run.triage.verdict.outcome).toBe("INCOMPLETE");
    expect(run.triage.verdict.byInfrastructure).toBe(true);
    expect(run.triage.verdict.reasons.join("; ")).toContain(`the gateway answered 503 to ${count?.requests} requests`);
    expect(gateExitCode(run)).toBe(2);
    expect(renderSummary(run, [])).toContain(
      `INFRASTRUCTURE answered in place of the API: the gateway answered 503 to ${count?.requests} requests`,
    );
    expect(result.restore?.verified).toBe(true);
  });

  it("still files a 503 JSON ErrorResponse as the API's own answer", async () => {
    const { result } = await runBehind(({ authorization }) =>
      unknownToken(authorization)
        ? { status: 503, headers: { "content-type": "application/json" }, body: '{"code":"unavailable","message":"try later"}' }
        : undefined,
    );
    expect(result.infrastructure).toBeUndefined();
    const failed = result.checks.filter((c) => c.id.includes("unknown-token") && c.outcome === "fail");
    expect(failed.length).toBe(3);
    expect(gateExitCode(triaged(result))).toBe(1);
  });

  it("reports no minimal failing body of the generated bodies when haproxy's 504 page answered them", async () => {
    let patches = 0;
    // Stands for haproxy's `timeout server` during a slow spell: the 4th to 8th PATCHes get its 504 page, not forwarded.
    const { result } = await runBehind(
      ({ method }) =>
        method === "PATCH" && ++patches > 3 && patches <= 8
          ? {
              status: 504,
              headers: { "content-type": "text/html" },
              body: "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n",
            }
          : undefined,
      { checks: [generatedBodiesCheck], timeoutMs: 300 },
    );
    const generated = result.checks.find((c) => c.id === generatedBodiesCheck.id);
    expect(generated?.outcome).toBe("skip");
    expect(generated?.reason).toContain("the gateway answered 504");
    expect(findingLines(result)).toEqual([]);
    expect(result.infrastructure?.counts[0]).toMatchObject({ source: "gateway", status: 504 });
    expect(result.restore?.verified).toBe(true);
  });

  it("runs the whole catalog behind a transparent gateway with nothing said about the infrastructure", async () => {
    const { result } = await runBehind(() => undefined, { checks: catalog });
    expect(findingLines(result)).toEqual([]);
    expect(result.infrastructure).toBeUndefined();
  });
});

describe("a PATCH the gateway answered for may still land", () => {
  it("waits for a PATCH answered 504 that the API applies half a second later before restoring, and the org ends as the snapshot", async () => {
    const rename = catalog.find((check) => check.id === "patch-name-100-ascii");
    if (!rename) throw new Error("the catalog lacks patch-name-100-ascii");
    let held = false;
    // Stands for nginx's `proxy_read_timeout` firing while the API still holds the PATCH: 504 at once, applied 500 ms later.
    const { provider, gateway, result } = await runBehind(
      ({ method, body }) => {
        if (method !== "PATCH" || held || !body.includes("Conformance Conformance")) return undefined;
        held = true;
        return { ...nginxPage(504, "Gateway Time-out"), forwardAfterMs: 500 };
      },
      { checks: [rename], timeoutMs: 1_000 },
    );
    const before = provider.state.seed.organizations.find((org) => org.id === provider.orgs.editable);
    expect(gateway.late.map((late) => late.status)).toEqual([200]);
    const landed = gateway.late[0]?.at ?? Number.POSITIVE_INFINITY;
    const restorePatch = gateway.log.filter((entry) => entry.arrival.method === "PATCH" && entry.answeredBy === "api").at(-1);
    expect(restorePatch?.at).toBeGreaterThan(landed); // the restore came after the late PATCH, never before it
    expect(result.restore?.verified, result.restore?.message).toBe(true);
    expect(result.restore?.message).toContain("got no answer from the API");
    expect(provider.state.organizations.get(provider.orgs.editable)?.name).toBe(before?.name);
    expect(result.checks.find((c) => c.id === rename.id)?.reason).toContain("the gateway answered 504");
  });
});

describe("the gate behind nginx's limit_req, through the command line", () => {
  it("exits 2 with the infrastructure line on the console, in conformance.json and in report.html", async () => {
    const provider = await startProvider();
    closers.push(() => provider.close());
    const gateway = await standInGateway(provider.baseUrl, ({ authorization }) =>
      unknownToken(authorization) ? nginxPage(503, "Service Temporarily Unavailable") : undefined,
    );
    closers.push(() => gateway.close());
    const dir = mkdtempSync(join(tmpdir(), "gateway-answers-"));
    const { io, stdout, stderr } = memoryIo({ cwd: dir });
    const env = {
      TENANT_API_BASE_URL: gateway.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      TENANT_API_ORG_ID: provider.orgs.editable,
    };
    // A page that never clears: a short patience, so each GET gives up on it within a second.
    const code = await run(["--read-only", "--report-dir", dir, "--runs", "5", "--patience-ms", "1000"], env, io);
    expect(stderr()).toBe("");
    expect(code).toBe(2);
    const line = /INFRASTRUCTURE answered in place of the API: the gateway answered 503 to (\d+) requests?/;
    expect(stdout()).toMatch(line);
    expect(stdout()).toMatch(
      /Verdict: INCOMPLETE \(.*incomplete because of the infrastructure, not the API \(\d+ checks? not run\): the gateway answered 503 to \d+ requests?/,
    );
    const report = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as {
      infrastructure?: unknown;
      verdict: { outcome: string };
    };
    expect(report.verdict.outcome).toBe("INCOMPLETE");
    expect(report.infrastructure).toEqual({
      counts: [expect.objectContaining({ source: "gateway", status: 503, requests: Number(line.exec(stdout())?.[1]) })],
    });
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(
      "The infrastructure answered in place of the API</strong>: the gateway answered 503",
    );
  });
});
