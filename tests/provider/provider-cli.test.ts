/**
 * `npm run provider -- --json` as a user runs it, then `contracts:verify` against it with the
 * state set-up URL from its --json line: every interaction of the committed pact verifies.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pactFreeEnv, runPactCli } from "../support/pact-cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface JsonLine {
  baseUrl: string;
  providerStatesSetupUrl: string;
}

describe("the reference provider CLI offers pact's provider-state set-up", () => {
  let child: ChildProcess;
  let info: JsonLine;
  beforeAll(async () => {
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "provider", "--json"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    info = JSON.parse(await new Promise<string>((resolve) => lines.once("line", resolve))) as JsonLine;
  }, 30_000);
  afterAll(() => {
    child.kill("SIGTERM");
  });

  it("prints providerStatesSetupUrl on its --json line, outside the API's base path", () => {
    expect(info.providerStatesSetupUrl).toBe(`${new URL(info.baseUrl).origin}/_pact/provider-states`);
  });

  it("answers the verifier's empty-state call with 2xx", async () => {
    for (const action of ["setup", "teardown"]) {
      const response = await fetch(info.providerStatesSetupUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ state: "", params: {}, action }),
      });
      expect(response.status).toBe(200);
    }
  });

  it("contracts:verify against it with that URL verifies all 20 interactions", async () => {
    const run = await runPactCli(
      "contracts:verify",
      ["--provider-base-url", info.baseUrl, "--provider-states-setup-url", info.providerStatesSetupUrl],
      pactFreeEnv({}),
    );
    expect(run.code, run.output).toBe(0);
    expect(run.stdout.trim().split("\n").at(-1)).toBe("tenant-console: 20 verified");
  }, 60_000);

  it("without that URL, the 17 interactions with provider states fail the command as not verified", async () => {
    const run = await runPactCli("contracts:verify", ["--provider-base-url", info.baseUrl], pactFreeEnv({}));
    expect(run.code, run.output).toBe(1);
    expect(run.stdout.trim().split("\n").at(-1)).toBe("tenant-console: 3 verified, 17 not verified (no provider state set-up)");
    expect(run.stdout).toContain("pass --provider-states-setup-url URL");
  }, 60_000);
});
