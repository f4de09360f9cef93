/**
 * A gateway that answers 429 when too many requests are in flight is not the API's bug: the run
 * backs off, lowers its concurrency, finds exactly what it finds without the gateway, and says the
 * limit was met. Only a 429 that never clears is a finding, and it never hangs the run.
 */
import { afterEach, describe, expect, it } from "vitest";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { faults } from "../support/fault-gallery.js";
import { type Gateway, type GatewayOptions, rateLimitingGateway } from "../support/gateways.js";
import { findingLines, GALLERY_SEED } from "../support/run-against.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The whole catalog at the default concurrency, straight to a provider or through a gateway. */
async function runThrough(
  options: ProviderOptions,
  gatewayOptions?: GatewayOptions,
  concurrency?: number,
): Promise<{ result: RunResult; gateway?: Gateway }> {
  const provider = await startProvider(options);
  closers.push(() => provider.close());
  const gateway = gatewayOptions ? await rateLimitingGateway(provider.baseUrl, gatewayOptions) : undefined;
  if (gateway) closers.push(() => gateway.close());
  const baseUrl = gateway?.baseUrl ?? provider.baseUrl;
  const transport = new HttpTransport({ baseUrl, timeoutMs: 10_000, connections: 64 });
  closers.push(() => transport.close());
  const validators = specValidators();
  const result = await runChecks({
    target: { ...targetFromProvider(provider), baseUrl },
    transport,
    validators,
    spec: validators.spec,
    generated: { seed: GALLERY_SEED, runs: 30 },
    concurrency,
  });
  return { result, gateway };
}

const fault = (name: string) => {
  const found = faults.find((f) => f.name === name);
  if (!found) throw new Error(`gallery fault missing: ${name}`);
  return found.options;
};

describe("a gateway that allows few requests in flight", () => {
  it("does not fail the gate: the run finds what it finds without the gateway and reports the limit", async () => {
    const options = fault("the empty description does not clear it");
    const direct = await runThrough(options);
    const limited = await runThrough(options, { maxInFlight: 3 });
    expect(limited.gateway?.refused.length).toBeGreaterThan(0); // the limit was met
    expect(limited.gateway?.peakInFlight).toBeLessThanOrEqual(3);
    expect(findingLines(limited.result)).toEqual(findingLines(direct.result));
    expect(findingLines(direct.result).length).toBeGreaterThan(0);
    expect(direct.result.rateLimit).toBeUndefined();
    const { rateLimit } = limited.result;
    expect(rateLimit?.unresolved).toBe(0);
    expect(rateLimit?.responses429).toBe(limited.gateway?.refused.length);
    expect(rateLimit?.concurrency).toBeGreaterThanOrEqual(1);
    expect(rateLimit?.concurrency).toBeLessThan(16);
  }, 120_000);

  it("resends a PATCH answered 429 (it was not processed) and the org is restored", async () => {
    const limited = await runThrough({}, { maxInFlight: 2, everyNthPatch: 4 });
    expect(limited.gateway?.refused.some((r) => r.method === "PATCH")).toBe(true);
    expect(findingLines(limited.result)).toEqual([]);
    expect(limited.result.restore?.verified).toBe(true);
  }, 120_000);

  it("reports a 429 that never clears as a finding, without hanging", async () => {
    const limited = await runThrough({}, { maxInFlight: 0, neverClears: true }, 1);
    const statuses = limited.result.checks.flatMap((check) => check.findings).filter((f) => f.status === 429);
    expect(statuses.length).toBeGreaterThan(0);
    expect(limited.result.rateLimit?.unresolved).toBeGreaterThan(0);
    // Once two requests gave up, no later one is resent: only those in flight until then (one at a
    // time, two when a check reads twice at once) were resent, 6 times each.
    const unresolved = limited.result.rateLimit?.unresolved ?? 0;
    expect(unresolved).toBeGreaterThan(20);
    expect(limited.gateway?.refused.length).toBeLessThanOrEqual(unresolved + 3 * 6);
    expect(limited.result.rateLimit?.responses429).toBe(limited.gateway?.refused.length);
  }, 120_000);
});
