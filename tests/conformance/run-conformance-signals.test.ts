/**
 * Issue 25: "Ctrl-C or SIGTERM of a script awaiting `runConformance()` kills the process, leaving the
 * org changed and the journal and lock behind." A script of its own imports the package's API and
 * awaits a run that writes; the test signals that process alone, mid-write.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startProvider } from "../../src/provider/server.js";
import { freshStateDir } from "../support/cli.js";
import { slowProxy } from "../support/slow-proxy.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const INDEX = new URL("../../src/index.ts", import.meta.url).href;
const TSX_LOADER = import.meta.resolve("tsx");

/** Awaits the run, then prints its exit code and how many SIGINT/SIGTERM listeners are left. */
const SCRIPT = `import { runConformance } from ${JSON.stringify(INDEX)};
let log = "";
const result = await runConformance({ args: JSON.parse(process.argv[2]), log: { write: (text) => (log += text) } });
console.log(JSON.stringify({ exitCode: result.exitCode, log, sigint: process.listenerCount("SIGINT"), sigterm: process.listenerCount("SIGTERM") }));
`;

describe("issue 25: a script awaiting runConformance() is stopped by a signal as the bin is", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s to the script's process mid-write: the org restored, exit 2, the handlers gone",
    {
      timeout: 120_000,
    },
    async (signal) => {
      const provider = await startProvider();
      closers.push(() => provider.close());
      const proxy = await slowProxy(provider.baseUrl, 100);
      closers.push(() => proxy.close());
      const org = () => structuredClone(provider.state.organizations.get(provider.orgs.editable));
      const before = org();
      const dir = mkdtempSync(join(tmpdir(), "run-conformance-signals-"));
      writeFileSync(join(dir, "script.mjs"), SCRIPT);
      const stateDir = freshStateDir();
      const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TENANT_API_"))),
        TENANT_API_BASE_URL: proxy.baseUrl,
        TENANT_API_TOKEN: provider.tokens.owner,
        TENANT_API_ORG_ID: provider.orgs.editable,
        TENANT_API_ALLOW_MUTATIONS: "1",
        TENANT_API_STATE_DIR: stateDir,
      };
      const args = ["--checks", "patch-generated-bodies", "--runs", "50", "--report-dir", join(dir, "reports")];
      const child = spawn(process.execPath, ["--import", TSX_LOADER, "script.mjs", JSON.stringify(args)], { cwd: dir, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      let sent = false;
      proxy.onArrival = (arrival) => {
        if (sent || !arrival.body.includes("generated-body baseline")) return;
        sent = true;
        child.kill(signal);
      };
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(sent).toBe(true);
      expect(code, stderr).toBe(0); // the script itself ends normally, with the run's result in hand
      const result = JSON.parse(stdout) as { exitCode: number; log: string; sigint: number; sigterm: number };
      expect(result.exitCode).toBe(2);
      expect(result.log).toContain(`INTERRUPTED by ${signal}`);
      expect(result.log).toMatch(/^RESTORED restored /m);
      expect({ sigint: result.sigint, sigterm: result.sigterm }).toEqual({ sigint: 0, sigterm: 0 });
      expect(org()).toEqual(before);
      expect(readdirSync(stateDir)).toEqual([]);
    },
  );
});
