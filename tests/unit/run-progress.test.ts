/** The runner's progress callback: it counts every check that ends and every request that completes. */
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunProgress, runChecks } from "../../src/conformance/runner.js";
import { HttpTransport } from "../../src/http/transport.js";
import { startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";

describe("runChecks onProgress", () => {
  it("reaches every selected check, and counts the requests the provider answered", async () => {
    let answered = 0;
    const provider = await startProvider({
      intercept: () => {
        answered += 1;
        return false;
      },
    });
    const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
    const seen: RunProgress[] = [];
    try {
      const validators = specValidators();
      const checks = [
        ...catalog.filter((check) => check.phase === "read").slice(0, 3),
        ...catalog.filter((c) => c.phase === "write").slice(0, 2),
      ];
      await runChecks({
        target: targetFromProvider(provider),
        transport,
        validators,
        spec: validators.spec,
        checks,
        generated: { seed: 1, runs: 1 },
        onProgress: (progress) => seen.push(progress),
      });
      const last = seen.at(-1);
      expect(last?.checksTotal).toBe(checks.length);
      expect(last?.checksDone).toBe(checks.length);
      // the snapshot before the writes and the restore after them are requests too
      expect(last?.requests).toBe(answered);
      expect(seen.map((p) => p.requests)).toEqual([...seen.map((p) => p.requests)].sort((a, b) => a - b));
    } finally {
      await transport.close();
      await provider.close();
    }
  });
});
