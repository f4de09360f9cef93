/**
 * Issue 25: "`--state-dir`, `XDG_STATE_HOME` or `--journal` under a path where mkdir never returns
 * (/proc) hangs the run, and it ignores SIGTERM. `--read-only` with an unusable state dir exits 2,
 * though it writes nothing." Each run is given a minute before it is killed, so the old hang fails the
 * test instead of stalling it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { type CliRun, runConformance } from "../support/cli.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const UNMAKEABLE = "/proc/no-such-dir/state";

async function provider(): Promise<ProviderHandle> {
  const started = await startProvider();
  closers.push(() => started.close());
  return started;
}

function env(p: ProviderHandle, more: Record<string, string>): Record<string, string> {
  return {
    TENANT_API_BASE_URL: p.baseUrl,
    TENANT_API_TOKEN: p.tokens.owner,
    TENANT_API_ORG_ID: p.orgs.editable,
    TENANT_API_ALLOW_MUTATIONS: "1",
    ...more,
  };
}

/** The CLI, killed if it is still running after a minute (the hang this issue reported). */
function bounded(args: string[], vars: Record<string, string>): Promise<CliRun> {
  return runConformance([...args, "--checks", "patch-generated-bodies", "--runs", "3", "--report-dir", "reports"], {
    env: vars,
    cwd: mkdtempSync(join(tmpdir(), "conformance-state-paths-")),
    onStart: (child) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", () => clearTimeout(timer));
    },
  });
}

describe("issue 25: an unusable state path is a clear exit 2 in bounded time", () => {
  it("--state-dir under /proc", { timeout: 90_000 }, async () => {
    const run = await bounded(["--state-dir", UNMAKEABLE], env(await provider(), {}));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`STATE_DIR_UNUSABLE: the state directory ${UNMAKEABLE} (locks and journals) cannot be used`);
  });

  it("XDG_STATE_HOME under /proc", { timeout: 90_000 }, async () => {
    const run = await bounded([], env(await provider(), { TENANT_API_STATE_DIR: "", XDG_STATE_HOME: UNMAKEABLE }));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`STATE_DIR_UNUSABLE: the state directory ${UNMAKEABLE}/tenant-api-conformance`);
  });

  it("--journal under /proc", { timeout: 90_000 }, async () => {
    const p = await provider();
    const before = structuredClone(p.state.organizations.get(p.orgs.editable));
    const run = await bounded(["--journal", `${UNMAKEABLE}/journal.json`], env(p, {}));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`JOURNAL_INVALID: --journal ${UNMAKEABLE}/journal.json: /proc/no-such-dir cannot be created`);
    expect(p.state.organizations.get(p.orgs.editable)).toEqual(before);
  });

  it("a --read-only run never needs the state directory: it writes nothing", { timeout: 90_000 }, async () => {
    const run = await bounded(["--read-only", "--state-dir", UNMAKEABLE], env(await provider(), {}));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain("STATE_DIR_UNUSABLE");
  });
});
