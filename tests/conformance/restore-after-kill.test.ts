/**
 * Issue 24: "`--restore` right after a kill finds the killed run's lock still held (its process not yet
 * reaped) and exits 2 TARGET_LOCKED. Three seconds later the same command works." The gate runs under a
 * parent that never reaps it (a shell that execs `sleep`), is killed with SIGKILL mid-write and stays a
 * zombie: its lock names a pid that still exists. `--restore` must treat it as gone, at once.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startProvider } from "../../src/provider/server.js";
import { freshStateDir, runConformance } from "../support/cli.js";
import { slowProxy } from "../support/slow-proxy.js";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx");

describe("issue 24: --restore right after a kill", () => {
  it("takes over the lock of the killed run while it is a zombie, and restores the org", { timeout: 120_000 }, async () => {
    const provider = await startProvider();
    closers.push(() => provider.close());
    const proxy = await slowProxy(provider.baseUrl, 100);
    closers.push(() => proxy.close());
    const org = () => structuredClone(provider.state.organizations.get(provider.orgs.editable));
    const before = org();
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TENANT_API_"))),
      TENANT_API_BASE_URL: proxy.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      TENANT_API_ORG_ID: provider.orgs.editable,
      TENANT_API_ALLOW_MUTATIONS: "1",
      TENANT_API_STATE_DIR: freshStateDir(),
      GATE_NODE: process.execPath,
      GATE_LOADER: TSX_LOADER,
      GATE_MAIN: MAIN,
    };
    const cwd = mkdtempSync(join(tmpdir(), "restore-after-kill-"));
    // The gate in the background, its pid on the first line, then the shell becomes a sleep that never reaps it.
    const parent = spawn(
      "sh",
      [
        "-c",
        '"$GATE_NODE" --import "$GATE_LOADER" "$GATE_MAIN" conformance --checks patch-generated-bodies --runs 50 --report-dir r >/dev/null 2>&1 & echo $!; exec sleep 120',
      ],
      { cwd, env, stdio: ["ignore", "pipe", "ignore"] },
    );
    closers.push(() => {
      parent.kill("SIGKILL");
    });
    const gate = Number(await new Promise<string>((resolve) => parent.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()))));
    let killed = false;
    proxy.onArrival = (arrival) => {
      if (killed || !arrival.body.includes("generated-body baseline")) return;
      killed = true;
      process.kill(gate, "SIGKILL");
    };
    await vi.waitFor(() => expect(killed).toBe(true), { timeout: 60_000, interval: 50 });
    proxy.onArrival = undefined;
    await vi.waitFor(() => expect(readFileSync(`/proc/${gate}/stat`, "utf8")).toMatch(/\) Z /), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(org()).not.toEqual(before), { timeout: 10_000, interval: 50 }); // the PATCH it was killed at lands

    const restored = await runConformance(["--restore"], { env, cwd });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`the run of pid ${gate}`);
    expect(restored.stdout).toContain("RESTORED");
    expect(org()).toEqual(before);
    expect(readdirSync(env.TENANT_API_STATE_DIR)).toEqual([]);
  });
});
