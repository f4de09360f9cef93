/**
 * Runs chosen checks against a provider with the admin persona as well as the embedded target's, optionally
 * behind a delaying front (then the target counts as deployed, so the latency budgets apply), and can see
 * every request as it is sent. For the model-based run's and the generated bodies' proofs.
 */
import { startDelayingProxy } from "../../bench/delaying-proxy.js";
import type { Check } from "../../src/conformance/check.js";
import type { GeneratedRun } from "../../src/conformance/context.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import type { Target } from "../../src/conformance/target.js";
import { type HttpRequest, HttpTransport } from "../../src/http/transport.js";
import { BASE_PATH, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { GALLERY_SEED } from "./run-against.js";

export interface RunOptions {
  /** Adds the admin persona to the embedded target's (default true). */
  admin?: boolean;
  signal?: AbortSignal;
  /** Sees every request as it is sent, with the run's target. */
  onSend?: (request: HttpRequest, target: Target) => void;
  generated?: GeneratedRun;
  /** Puts a delaying front before the provider, so the target is as far away as a deployed API. */
  latencyMs?: number;
}

/** Runs `checks` against a provider, with the admin persona as well as the embedded target's. */
export async function run(options: ProviderOptions, checks: readonly Check[], how: RunOptions = {}): Promise<RunResult> {
  const provider = await startProvider(options);
  const proxy = how.latencyMs === undefined ? undefined : await startDelayingProxy(new URL(provider.baseUrl).origin, how.latencyMs);
  const baseUrl = proxy ? `${proxy.origin}${BASE_PATH}` : provider.baseUrl;
  const transport = new HttpTransport({ baseUrl, timeoutMs: 10_000 });
  // Through the front, the target is not the embedded provider: the model run's latency budget applies.
  const target = proxy ? { ...targetFromProvider(provider), baseUrl, embedded: false } : targetFromProvider(provider);
  if (how.admin ?? true) Object.assign(target.tokens, { admin: provider.adminToken });
  const { onSend } = how;
  if (onSend) {
    const send = transport.send.bind(transport);
    transport.send = (request) => {
      onSend(request, target);
      return send(request);
    };
  }
  try {
    const validators = specValidators();
    return await runChecks({
      target,
      transport,
      validators,
      spec: validators.spec,
      checks,
      signal: how.signal,
      generated: how.generated ?? { seed: GALLERY_SEED, runs: 100 },
    });
  } finally {
    await transport.close();
    await proxy?.close();
    await provider.close();
  }
}

/** A request as the same on every provider: its method, the org by role and the persona by name (ids and tokens differ). */
export function described(request: HttpRequest, target: Target): string {
  const orgs = { editable: target.orgId, foreign: target.foreignOrgId, missing: target.missingOrgId, malformed: target.invalidOrgId };
  const path = Object.entries(orgs).reduce(
    (text, [name, id]) => (id === undefined ? text : text.replace(`/${id}`, `/${name}`)),
    request.path,
  );
  const persona = Object.entries(target.tokens).find(
    ([, token]) => token !== undefined && request.authorization === `Bearer ${token}`,
  )?.[0];
  return `${request.method} ${path} ${persona ?? request.authorization ?? "no token"}`;
}

/**
 * Runs one check with a latency budget through a 120 ms front, then replays it on the embedded provider with
 * the generated run the first printed: its note and the requests of both runs, sorted (requests in flight
 * together may arrive in another order).
 */
export async function cutThenReplayed(check: Check): Promise<{ cut: RunResult; note: string; slow: string[]; fast: string[] }> {
  const requestsOf = (log: string[]) => (request: HttpRequest, target: Target) => log.push(described(request, target));
  const slow: string[] = [];
  const cut = await run({}, [check], { onSend: requestsOf(slow), latencyMs: 120 });
  const note = cut.checks.find((entry) => entry.id === check.id)?.notes?.join(" ") ?? "";
  const fast: string[] = [];
  await run({}, [check], { onSend: requestsOf(fast), generated: cut.generated });
  return { cut, note, slow: slow.sort(), fast: fast.sort() };
}
