/** Runs the whole conformance catalog in process against a provider started with `options`. */

import { startDelayingProxy } from "../../bench/delaying-proxy.js";
import type { Check } from "../../src/conformance/check.js";
import { targetFromProvider as prepareFor } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import { renderFinding } from "../../src/findings/finding.js";
import { HttpTransport } from "../../src/http/transport.js";
import { BASE_PATH, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";

/** Fixed so the gallery is reproducible; the seed of a failure is in the finding. */
export const GALLERY_SEED = 20261129;

/**
 * How the requests go: `concurrency` 1 is the plain one-at-a-time plan; `latencyMs` puts a delaying
 * proxy in front, and `jitterMs` lets requests sent together arrive in any order.
 */
export interface PlanOptions {
  concurrency?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** Sends only the first N generated bodies (`--generated-bodies`), as a slow API's latency budget does. */
  generatedBodies?: number;
  /** Another seed than the gallery's (`--seed`). */
  seed?: number;
}

export async function runAgainst(
  options: ProviderOptions = {},
  timeoutMs = 5_000,
  checks?: readonly Check[],
  plan: PlanOptions = {},
): Promise<RunResult> {
  const provider = await startProvider(options);
  const proxy =
    plan.latencyMs === undefined ? undefined : await startDelayingProxy(new URL(provider.baseUrl).origin, plan.latencyMs, plan.jitterMs);
  const baseUrl = proxy ? `${proxy.origin}${BASE_PATH}` : provider.baseUrl;
  const transport = new HttpTransport({ baseUrl, timeoutMs: timeoutMs + (plan.latencyMs ?? 0), connections: 64 });
  try {
    const validators = specValidators();
    return await runChecks({
      target: { ...prepareFor(provider), baseUrl },
      transport,
      validators,
      spec: validators.spec,
      checks,
      concurrency: plan.concurrency,
      generated: { seed: plan.seed ?? GALLERY_SEED, runs: 100, generatedBodies: plan.generatedBodies },
    });
  } finally {
    await transport.close();
    await proxy?.close();
    await provider.close();
  }
}

export function findingCodes(result: RunResult): Set<string> {
  return new Set(result.checks.flatMap((check) => check.findings.map((f) => f.code)));
}

/**
 * Every finding of a run as one sorted list of lines `check: finding`, with the values that differ
 * between two providers of the same kind (fresh ids and tokens) replaced, so two runs compare.
 */
export function findingLines(result: RunResult): string[] {
  return result.checks
    .flatMap((check) => check.findings.map((f) => `${check.id}: ${renderFinding(f)}`))
    .map((line) =>
      line
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
        .replace(/nc-unknown-[0-9a-f]+/g, "<token>")
        .replace(/"[0-9A-F]{10}"/g, '"<referral code>"'),
    )
    .sort();
}
