/** Runs the whole conformance catalog in process against a provider started with `options`. */

import type { Check } from "../../src/conformance/check.js";
import { targetFromProvider as prepareFor } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";

/** Fixed so the gallery is reproducible; the seed of a failure is in the finding. */
export const GALLERY_SEED = 20261129;

export async function runAgainst(options: ProviderOptions = {}, timeoutMs = 5_000, checks?: readonly Check[]): Promise<RunResult> {
  const provider = await startProvider(options);
  const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs });
  try {
    const validators = specValidators();
    return await runChecks({
      target: prepareFor(provider),
      transport,
      validators,
      spec: validators.spec,
      checks,
      generated: { seed: GALLERY_SEED, runs: 100 },
    });
  } finally {
    await transport.close();
    await provider.close();
  }
}

export function findingCodes(result: RunResult): Set<string> {
  return new Set(result.checks.flatMap((check) => check.findings.map((f) => f.code)));
}
