/**
 * Issue 25: "Two runs target the same org, one with the base URL spelled `127.0.0.1` and one with
 * `localhost`: the lock and journal are keyed by the URL's text, so both runs write at once", "a run
 * killed mid-write, followed by a run with the other spelling: PASS", "`--restore` with the other
 * spelling says nothing to restore", and "`--journal notes.txt` names an existing file: it is replaced,
 * then deleted". Each through the CLI, against the reference provider behind a logging proxy.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { type CliRun, freshStateDir, runConformance } from "../support/cli.js";
import { type SlowProxy, slowProxy } from "../support/slow-proxy.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const tempDir = () => mkdtempSync(join(tmpdir(), "conformance-spellings-"));
const WRITES = ["--checks", "patch-generated-bodies", "--runs", "20"];

interface Target {
  provider: ProviderHandle;
  proxy: SlowProxy;
  /** The proxy's URL as 127.0.0.1, and the same API as localhost. */
  atIp: string;
  atName: string;
  env(baseUrl: string): Record<string, string>;
  org(): unknown;
}

async function target(delayMs: number): Promise<Target> {
  const provider = await startProvider();
  closers.push(() => provider.close());
  const proxy = await slowProxy(provider.baseUrl, delayMs);
  closers.push(() => proxy.close());
  const stateDir = freshStateDir(); // one host: both spellings share it
  return {
    provider,
    proxy,
    atIp: proxy.baseUrl,
    atName: proxy.baseUrl.replace("127.0.0.1", "localhost"),
    env: (baseUrl) => ({
      TENANT_API_BASE_URL: baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      TENANT_API_ORG_ID: provider.orgs.editable,
      TENANT_API_MEMBER_TOKEN: provider.tokens.member,
      TENANT_API_ALLOW_MUTATIONS: "1",
      TENANT_API_STATE_DIR: stateDir,
    }),
    org: () => structuredClone(provider.state.organizations.get(provider.orgs.editable)),
  };
}

const patches = (proxy: SlowProxy) => proxy.log.filter((r) => r.method === "PATCH").length;

describe("issue 25: one org, one writer, whatever the URL's spelling", () => {
  it("a second run under another spelling, while the first writes, stops with exit 2 naming both URLs", { timeout: 180_000 }, async () => {
    const t = await target(0);
    const before = t.org();
    let second: Promise<CliRun> | undefined;
    // The first run is held still (SIGSTOP) at its first PATCH, lock in hand, until the second has ended.
    const first = runConformance([...WRITES, "--report-dir", "reports"], {
      env: t.env(t.atIp),
      cwd: tempDir(),
      onStart: (child) => {
        t.proxy.onArrival = (arrival) => {
          if (second !== undefined || arrival.method !== "PATCH") return;
          child.kill("SIGSTOP");
          second = runConformance([...WRITES, "--report-dir", "reports"], { env: t.env(t.atName), cwd: tempDir() });
          void second.then(() => child.kill("SIGCONT"));
        };
      },
    });
    const firstRun = await first;
    const refused = await second;
    expect(refused?.code, refused?.stderr).toBe(2);
    expect(refused?.stderr).toContain("TARGET_LOCKED");
    expect(refused?.stderr).toContain(`is being written at ${t.atIp}`);
    expect(refused?.stderr).toContain(`this run targets ${t.atName}`);
    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(t.org()).toEqual(before);
  });

  it("a run killed mid-write stops a later run under another spelling; --restore there refuses, --same-api restores", {
    timeout: 240_000,
  }, async () => {
    const t = await target(100);
    const before = t.org();
    const killed = await runConformance([...WRITES, "--report-dir", "reports"], {
      env: t.env(t.atIp),
      cwd: tempDir(),
      onStart: (child) => {
        t.proxy.onArrival = (arrival) => {
          if (arrival.body.includes("generated-body baseline")) child.kill("SIGKILL");
        };
      },
    });
    t.proxy.onArrival = undefined;
    expect(killed.code).toBeNull();
    await vi.waitFor(() => expect(t.org()).not.toEqual(before), { timeout: 10_000, interval: 50 });
    const sent = patches(t.proxy);

    const later = await runConformance([...WRITES, "--report-dir", "reports"], { env: t.env(t.atName), cwd: tempDir() });
    expect(later.code, later.stderr).toBe(2);
    expect(later.stdout).not.toContain("PASS");
    expect(later.stderr).toContain(`JOURNAL_PENDING`);
    expect(later.stderr).toContain(`holds the snapshot of ${t.provider.orgs.editable} at ${t.atIp} from an interrupted run`);
    expect(later.stderr).toContain(`and this run targets ${t.atName}`);

    const refused = await runConformance(["--restore"], { env: t.env(t.atName), cwd: tempDir() });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stdout).not.toContain("nothing to restore");
    expect(refused.stderr).toContain(`JOURNAL_MISMATCH`);
    expect(refused.stderr).toContain(`at ${t.atIp}`);
    expect(refused.stderr).toContain("add --same-api");
    expect(patches(t.proxy)).toBe(sent);

    const restored = await runConformance(["--restore", "--same-api"], { env: t.env(t.atName), cwd: tempDir() });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("RESTORED");
    expect(t.org()).toEqual(before);
    expect(readdirSync(t.env(t.atIp).TENANT_API_STATE_DIR ?? "")).toEqual([]);
  });

  it("spellings of one URL without DNS (case, trailing slash) meet as the same URL: --restore needs no flag", {
    timeout: 240_000,
  }, async () => {
    const t = await target(100);
    const before = t.org();
    await runConformance([...WRITES, "--report-dir", "reports"], {
      env: t.env(t.atName),
      cwd: tempDir(),
      onStart: (child) => {
        t.proxy.onArrival = (arrival) => {
          if (arrival.body.includes("generated-body baseline")) child.kill("SIGKILL");
        };
      },
    });
    t.proxy.onArrival = undefined;
    await vi.waitFor(() => expect(t.org()).not.toEqual(before), { timeout: 10_000, interval: 50 });
    const respelled = `${t.atName.replace("localhost", "LocalHost")}/`;
    const restored = await runConformance(["--restore"], { env: t.env(respelled), cwd: tempDir() });
    expect(restored.code, restored.stderr).toBe(0);
    expect(t.org()).toEqual(before);
  });
});

describe("issue 25: --journal never overwrites or deletes a file it did not write", () => {
  it("--journal naming a user's file stops the run with exit 2 naming it, before any PATCH, and leaves the file", async () => {
    const t = await target(0);
    const dir = tempDir();
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "my notes\n", { mode: 0o600 });
    const run = await runConformance([...WRITES, "--journal", notes, "--report-dir", "reports"], { env: t.env(t.atIp), cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`--journal ${notes}: a file is already there that this suite did not write`);
    expect(readFileSync(notes, "utf8")).toBe("my notes\n");
    expect(patches(t.proxy)).toBe(0);
  });
});
