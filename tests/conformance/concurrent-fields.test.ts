/**
 * The concurrent-fields check beyond what the gallery asserts: its two PATCHes really are in flight
 * together (and are the only applied ones that are), a lost update is caught whichever of the two wins,
 * and one request at a time it is skipped, never passed.
 */
import { describe, expect, it } from "vitest";
import { startDelayingProxy } from "../../bench/delaying-proxy.js";
import { headerLine } from "../../src/cli/run-console.js";
import { parseSettings } from "../../src/config/settings.js";
import { CONCURRENT_FIELDS_CHECK_ID, concurrentFieldsCheck } from "../../src/conformance/checks/concurrent-fields.js";
import { embeddedSkipFailure } from "../../src/conformance/embedded-gate.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { triage } from "../../src/findings/triage.js";
import { HttpTransport } from "../../src/http/transport.js";
import { BASE_PATH, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { lostUpdateFault } from "../support/race-faults.js";
import { runAgainst } from "../support/run-against.js";

const only = [concurrentFieldsCheck];
const outcomeOf = (result: Awaited<ReturnType<typeof runAgainst>>) => result.checks.find((c) => c.id === CONCURRENT_FIELDS_CHECK_ID);

describe("two PATCHes of different fields in flight at once", () => {
  it("are sent together, the only applied PATCHes that overlap, and both kept by the reference provider", async () => {
    const provider = await startProvider();
    const proxy = await startDelayingProxy(new URL(provider.baseUrl).origin, 10, 10);
    const baseUrl = `${proxy.origin}${BASE_PATH}`;
    const transport = new HttpTransport({ baseUrl, timeoutMs: 5_000, connections: 16 });
    try {
      const validators = specValidators();
      const target = { ...targetFromProvider(provider), baseUrl };
      const result = await runChecks({ target, transport, validators, spec: validators.spec, checks: only });
      expect(result.checks.find((c) => c.id === CONCURRENT_FIELDS_CHECK_ID)?.outcome).toBe("pass");
      expect(result.restore?.verified).toBe(true);
      const applied = proxy.log.filter((entry) => entry.method === "PATCH" && entry.status === 200);
      // The check's two, then the restore's one.
      expect(applied).toHaveLength(3);
      const [first, second, restore] = applied as [(typeof applied)[number], (typeof applied)[number], (typeof applied)[number]];
      expect(first.startMs < second.endMs && second.startMs < first.endMs).toBe(true);
      expect(restore.startMs >= Math.max(first.endMs, second.endMs)).toBe(true);
    } finally {
      await transport.close();
      await proxy.close();
      await provider.close();
    }
  });

  it("catch a server that writes the whole row back without a lock, and the restore still puts the org back", async () => {
    const result = await runAgainst(lostUpdateFault.options, undefined, only);
    const check = outcomeOf(result);
    expect(check?.outcome).toBe("fail");
    // Whichever PATCH landed last, the other's field was lost.
    expect(check?.findings.map((f) => f.pointer)).toEqual([expect.stringMatching(/^\/(name|description)$/)]);
    expect(result.restore?.verified).toBe(true);
  });

  it("go one after the other with --concurrency 1, and the check is skipped, not passed", async () => {
    const result = await runAgainst(lostUpdateFault.options, undefined, only, { concurrency: 1 });
    expect(outcomeOf(result)).toMatchObject({ outcome: "skip", reason: expect.stringContaining("--concurrency 1") });
  });
});

/**
 * issue 26: `--concurrency 1 --fail-on-skip` failed on a correct API although the header had said that no
 * check would be skipped. The header announces this check's skip, and its skip is the planned one it announced.
 */
describe("with --concurrency 1, the check that needs two requests in flight", () => {
  const env = (p: { baseUrl: string; tokens: Record<string, string>; orgs: Record<string, string> }) => ({
    TENANT_API_BASE_URL: p.baseUrl,
    TENANT_API_TOKEN: p.tokens.owner ?? "",
    TENANT_API_ORG_ID: p.orgs.editable ?? "",
    TENANT_API_ALLOW_MUTATIONS: "1",
  });

  it("is counted in the header's planned skips, and its skip is planned, so --fail-on-skip fails as the header said", async () => {
    const provider = await startProvider();
    try {
      const settings = parseSettings(["--concurrency", "1", "--fail-on-skip"], env(provider));
      const header = headerLine(settings, only);
      expect(header).toContain("1 of 1 checks will be skipped (--fail-on-skip: the gate will fail)");
      expect(header).toContain("1 × needs 2 requests in flight at once (--concurrency 1 sends one request at a time)");
      const parallel = headerLine(parseSettings(["--fail-on-skip"], env(provider)), only);
      expect(parallel).toContain("no check will be skipped");
    } finally {
      await provider.close();
    }
    const result = await runAgainst({}, undefined, only, { concurrency: 1 });
    expect(outcomeOf(result)).toMatchObject({ outcome: "skip", planned: true });
    const verdict = triage(result, { failOnSkip: true }).verdict;
    expect(verdict).toMatchObject({ outcome: "INCOMPLETE", failsOnSkip: true });
    // The embedded provider has every persona: this skip is the operator's choice, not a broken suite.
    expect(embeddedSkipFailure({ ...result, target: { ...result.target, embedded: true } })).toBeUndefined();
  });

  it("is not planned when it found a bug even one request at a time: the finding stands", async () => {
    const refusing = { rules: { checkUpdate: () => "refused" } };
    const result = await runAgainst(refusing, undefined, only, { concurrency: 1 });
    expect(outcomeOf(result)?.outcome).toBe("fail");
    expect(outcomeOf(result)?.planned).toBeUndefined();
  });
});
