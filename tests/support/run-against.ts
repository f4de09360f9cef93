/** Runs the whole conformance catalog in process against a provider started with `options`. */
import { targetFromProvider as prepareFor } from "../../src/conformance/prepare.js";
import { type RunResult, runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";

export async function runAgainst(options: ProviderOptions = {}, timeoutMs = 5_000): Promise<RunResult> {
  const provider = await startProvider(options);
  const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs });
  try {
    const validators = specValidators();
    return await runChecks({ target: prepareFor(provider), transport, validators, spec: validators.spec });
  } finally {
    await transport.close();
    await provider.close();
  }
}

export function findingCodes(result: RunResult): Set<string> {
  return new Set(result.checks.flatMap((check) => check.findings.map((f) => f.code)));
}
