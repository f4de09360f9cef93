/**
 * The other limiters (issue 24) in front of a correct API, apart from rate-limit.test.ts so that their
 * waits (a window's reset, six backoffs a request) overlap the rest of the suite: they cost time, never a
 * finding or the org.
 */
import { afterEach, describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { GENERATED_CHECK_ID } from "../../src/conformance/generated/check.js";
import { MODEL_CHECK_ID } from "../../src/conformance/model/check.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { clearsOnTryGateway, fixedWindowGateway } from "../support/gateways.js";
import { findingLines, GALLERY_SEED } from "../support/run-against.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The hand-written checks in process through `baseUrl` (a gateway in front of `provider`), with the org read past it. */
async function handWrittenThrough(provider: Awaited<ReturnType<typeof startProvider>>, baseUrl: string, only?: readonly string[]) {
  const transport = new HttpTransport({ baseUrl, timeoutMs: 10_000, connections: 64 });
  closers.push(() => transport.close());
  const validators = specValidators();
  return await runChecks({
    target: { ...targetFromProvider(provider), baseUrl },
    transport,
    validators,
    spec: validators.spec,
    checks: catalog.filter((check) => (only ? only.includes(check.id) : check.id !== MODEL_CHECK_ID && check.id !== GENERATED_CHECK_ID)),
    generated: { seed: GALLERY_SEED, runs: 30 },
  });
}

const editableOrg = (provider: Awaited<ReturnType<typeof startProvider>>) =>
  JSON.stringify(provider.state.organizations.get(provider.orgs.editable));

describe("the issue's other limiters in front of a correct API: they cost time, never a finding or the org", () => {
  it("a fixed window (150 requests per 20 s in the issue, scaled to 30 per 4 s): every refused request waits for the next window", async () => {
    // Stands for express-rate-limit's default (fixed-window) store and Kong's rate-limiting plugin:
    // `limit` per window, the rest refused 429 with Retry-After to the window's end. Issue 24: this too
    // exited 3 with the org changed. Scaled down (same 7.5 requests/s on average) so the test takes
    // seconds, not minutes; the hand-written checks only, as the token-bucket test.
    const provider = await startProvider();
    closers.push(() => provider.close());
    const before = editableOrg(provider);
    const gateway = await fixedWindowGateway(provider.baseUrl, { limit: 30, windowMs: 4_000 });
    closers.push(() => gateway.close());
    const result = await handWrittenThrough(provider, gateway.baseUrl);
    expect(gateway.refused).toBeGreaterThan(0); // the window was used up
    expect(findingLines(result)).toEqual([]);
    expect(result.checks.filter((c) => c.byInfrastructure)).toEqual([]);
    expect(result.restore?.verified).toBe(true);
    expect(result.rateLimit?.unresolved).toBe(0);
    expect(editableOrg(provider)).toBe(before);
  }, 240_000);

  it("a gateway that clears each request on its 7th try: every request is resent six times and answered", async () => {
    // Stands for an API gateway shedding load by request under a long overload (AWS API Gateway's throttling
    // on a hot key, Envoy's admission control): each request gets through after six 429s. Issue 24: this
    // exited 3 once a few requests had used up the run's resends. They say `Retry-After: 0` (come back at
    // once, as rateLimitingGateway above): without it, each refusal cuts the pacer's rate toward what got
    // through (a sixth of what it sent), down to one request per 10 s, and 7 tries no longer fit a patience.
    // Three checks (a read, a rename, a refusal): each request costs six backoffs (about 3 s), one at a time.
    const provider = await startProvider();
    closers.push(() => provider.close());
    const before = editableOrg(provider);
    const gateway = await clearsOnTryGateway(provider.baseUrl, 7);
    closers.push(() => gateway.close());
    const chosen = ["list-owner-200", "patch-name-100-ascii", "patch-member-403"];
    const result = await handWrittenThrough(provider, gateway.baseUrl, chosen);
    expect(gateway.served).toBeGreaterThan(chosen.length);
    expect(gateway.refused).toBe(gateway.served * 6);
    expect(findingLines(result)).toEqual([]);
    expect(
      result.checks
        .filter((c) => chosen.includes(c.id))
        .map((c) => `${c.id}: ${c.outcome}`)
        .sort(),
    ).toEqual(chosen.map((id) => `${id}: pass`).sort());
    expect(result.checks.filter((c) => c.outcome !== "pass")).toEqual([]);
    expect(result.restore?.verified).toBe(true);
    expect(result.rateLimit?.unresolved).toBe(0);
    expect(editableOrg(provider)).toBe(before);
  }, 240_000);
});
