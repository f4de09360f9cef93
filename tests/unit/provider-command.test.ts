/**
 * `npm run provider` in process (issue 26): the human output ends with `export TENANT_API_…=` lines
 * that a shell takes as they are, --json stays one JSON line, and a busy --port is one line, exit 2.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/provider.js";
import { parseSettings } from "../../src/config/settings.js";
import { memoryIo } from "../support/cli-io.js";

/** Runs the command until its first output, then stops it (a test's Ctrl-C). */
async function served(argv: string[]) {
  const stop = new AbortController();
  const memory = memoryIo({ stop: stop.signal });
  const code = run(argv, {}, memory.io);
  while (memory.stdout() === "" && memory.stderr() === "") await new Promise((resolve) => setTimeout(resolve, 10));
  stop.abort();
  return { code: await code, stdout: memory.stdout(), stderr: memory.stderr() };
}

describe("npm run provider (issue 26)", () => {
  it("prints export lines that set the gate's variables for this provider", async () => {
    const { code, stdout } = await served([]);
    expect(code).toBe(0);
    const env = Object.fromEntries(
      stdout.split("\n").flatMap((line) => {
        const found = /^ {2}export (TENANT_API_\w+)=(\S+)$/.exec(line);
        return found ? [[found[1], found[2]]] : [];
      }),
    );
    expect(Object.keys(env).length).toBeGreaterThan(0);
    const settings = parseSettings([], env);
    expect(settings.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tenant$/);
    expect(settings).toMatchObject({ allowMutations: true });
    for (const persona of ["token", "memberToken", "outsiderToken", "adminToken", "foreignToken", "orgId", "foreignOrgId"] as const) {
      expect(settings[persona], persona).toEqual(expect.any(String));
    }
  });

  it("--json is still exactly one JSON line", async () => {
    const { stdout } = await served(["--json"]);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ baseUrl: expect.any(String), tokens: expect.any(Object) });
  });

  it("a busy --port is one line on stderr and exit 2, never a stack trace", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    try {
      const { code, stderr } = await served(["--port", String(port)]);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toEqual([
        `provider: CONFIG_INVALID: --port ${port}: the port is in use (pick another, or 0 for any free port)`,
      ]);
    } finally {
      busy.close();
    }
  });
});
