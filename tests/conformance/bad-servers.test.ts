import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BAD_SERVER_ORG_ID, misbehaviours, startBadServer } from "../support/bad-servers.js";
import { runConformance } from "../support/cli.js";

const TOKEN = "nc-at-CANARY-bad-server-0b7e4c2a";

describe("a server that misbehaves below the status line", () => {
  it.each(Object.entries(misbehaviours))("yields a finding, exit 1 and no stray token for %s", async (_name, { misbehave, finding }) => {
    // Another origin that must never hear from the suite, whatever the bad server says.
    const elsewhere = await startBadServer((_req, res) => res.end());
    const bad = await startBadServer(misbehave(elsewhere.origin));
    try {
      const dir = mkdtempSync(join(tmpdir(), "bad-server-"));
      const env = {
        TENANT_API_BASE_URL: bad.baseUrl,
        TENANT_API_TOKEN: TOKEN,
        TENANT_API_ORG_ID: BAD_SERVER_ORG_ID,
        TENANT_API_ALLOW_MUTATIONS: "1",
      };
      const run = await runConformance(["--timeout-ms", "500", "--report-dir", dir], { env, cwd: dir });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`[${finding}]`);
      expect(run.stdout).not.toContain(TOKEN);
      expect(elsewhere.received).toEqual([]);
      expect(bad.received.every((r) => r.url.startsWith("/tenant/"))).toBe(true);
    } finally {
      await bad.close();
      await elsewhere.close();
    }
  });
});
