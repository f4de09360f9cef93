/**
 * Issue 19: "--no-color/NO_COLOR honoured, including in pact's output in non-terminal logs". Pact's
 * native verifier writes its coloured report straight to the process's stdout; the launcher strips it
 * (src/cli/colour.ts). Spawned as CI runs it: stdout is a pipe, not a terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { runCli } from "../support/cli.js";

let provider: ProviderHandle;
beforeAll(async () => {
  provider = await startProvider({ providerStates: true });
});
afterAll(async () => {
  await provider.close();
});

const verifyArgs = () => ["--provider-base-url", provider.baseUrl, "--provider-states-setup-url", provider.providerStatesSetupUrl ?? ""];

describe("contracts:verify in a log that is not a terminal", () => {
  it.each([
    ["no terminal", [], {}],
    ["NO_COLOR=1", [], { NO_COLOR: "1" }],
    ["--no-color", ["--no-color"], {}],
  ] as const)(
    "%s: pact's report has no ANSI escape, its words are all there, exit 0",
    async (_name, flags, env) => {
      const run = await runCli("contracts:verify", [...flags, ...verifyArgs()], { env: { ...env } });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Verifying a pact between tenant-console and tenant-api");
      expect(run.stdout).toMatch(/has status code 404 \(OK\)/);
      expect(run.stdout).toMatch(/tenant-console: \d+ verified/);
      expect(run.stdout).not.toContain("\u001b");
    },
    120_000,
  );
});
