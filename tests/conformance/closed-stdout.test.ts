/**
 * Issue 17: "EPIPE on a closed stdout must not kill a run mid-write". `npm run conformance | head -1`
 * against a live target with writes: the reader goes away after the first line, yet the run restores
 * the org, writes its reports and exits with its own code.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startProvider } from "../../src/provider/server.js";
import { freshStateDir, runConformance } from "../support/cli.js";
import { slowProxy } from "../support/slow-proxy.js";

it("a run whose stdout is closed after the first line still restores the org and exits 0 against the reference provider", async () => {
  const provider = await startProvider();
  // Slow answers, so the run is still going when its progress line (every 9 s without a terminal)
  // is written to the closed pipe.
  const proxy = await slowProxy(provider.baseUrl, 250);
  try {
    const before = structuredClone(provider.state.organizations.get(provider.orgs.editable));
    const dir = mkdtempSync(join(tmpdir(), "closed-stdout-"));
    const stateDir = freshStateDir();
    const run = await runConformance(["--report-dir", "reports", "--runs", "2", "--concurrency", "2"], {
      cwd: dir,
      env: {
        TENANT_API_BASE_URL: proxy.baseUrl,
        TENANT_API_TOKEN: provider.tokens.owner,
        TENANT_API_ORG_ID: provider.orgs.editable,
        TENANT_API_ALLOW_MUTATIONS: "1",
        TENANT_API_STATE_DIR: stateDir,
      },
      // `| head -1`: the reader takes the first chunk and closes its end of the pipe.
      onStart: (child) => child.stdout?.once("data", () => child.stdout?.destroy()),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    expect(readdirSync(join(dir, "reports")).sort()).toEqual(["conformance.json", "junit.xml", "report.html"]);
    const journals = existsSync(stateDir)
      ? readdirSync(stateDir, { recursive: true }).filter((f) => String(f).endsWith(".journal.json"))
      : [];
    expect(journals).toEqual([]);
    expect(proxy.log.length).toBeGreaterThan(0);
  } finally {
    await proxy.close();
    await provider.close();
  }
}, 240_000);
