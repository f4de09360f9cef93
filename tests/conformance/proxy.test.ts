/**
 * CI runners often reach APIs through a proxy: HTTP_PROXY/HTTPS_PROXY/NO_PROXY of the run's
 * environment are honoured (undici's EnvHttpProxyAgent), and the token travels inside the tunnel.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/conformance.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { memoryIo } from "../support/cli-io.js";
import { type ForwardProxy, type ForwardProxyOptions, forwardProxy } from "../support/gateways.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function setUp(options: ForwardProxyOptions = {}): Promise<{ provider: ProviderHandle; proxy: ForwardProxy }> {
  const provider = await startProvider();
  const proxy = await forwardProxy(options);
  closers.push(
    () => provider.close(),
    () => proxy.close(),
  );
  return { provider, proxy };
}

async function conformance(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "proxy-"));
  const { io, stdout, stderr } = memoryIo({ cwd: dir });
  const code = await run(
    ["--read-only", "--report-dir", join(dir, "reports"), "--checks", "list-owner-200,get-own-200-equals-list-entry"],
    env,
    io,
  );
  return { code, stdout: stdout(), stderr: stderr() };
}

describe("a proxy from the environment", () => {
  it("carries every request, through a tunnel the token never shows in", async () => {
    const { provider, proxy } = await setUp();
    const origin = new URL(provider.baseUrl).host;
    const outcome = await conformance({
      TENANT_API_BASE_URL: provider.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      HTTP_PROXY: proxy.url,
    });
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.every((request) => request === `CONNECT ${origin}`)).toBe(true);
    expect(proxy.headerNames.flat()).not.toContain("authorization");
  }, 60_000);

  it("is bypassed for a host in NO_PROXY", async () => {
    const { provider, proxy } = await setUp();
    const env = {
      TENANT_API_BASE_URL: provider.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      http_proxy: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: "localhost,127.0.0.1",
    };
    const outcome = await conformance(env);
    expect(outcome.code).toBe(0);
    expect(proxy.requests).toEqual([]);
  }, 60_000);

  it("that cannot be reached is exit 2 saying a proxy is set", async () => {
    const { provider } = await setUp();
    const env = { TENANT_API_BASE_URL: provider.baseUrl, TENANT_API_TOKEN: provider.tokens.owner, HTTP_PROXY: "http://127.0.0.1:9" };
    const outcome = await conformance(env);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("TARGET_UNREACHABLE");
    expect(outcome.stderr).toContain("a proxy is set: check HTTPS_PROXY, HTTP_PROXY and NO_PROXY");
  });

  it("that is not a URL is exit 2 naming the variable", async () => {
    const { provider } = await setUp();
    const outcome = await conformance({
      TENANT_API_BASE_URL: provider.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      HTTPS_PROXY: "proxy:3128 ",
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim()).toBe("conformance: CONFIG_INVALID: HTTPS_PROXY is not an http:// or https:// URL");
  });

  it.each([
    [407, "Proxy Authentication Required"],
    [403, "Forbidden"],
    [502, "Bad Gateway"],
  ])(
    "that refuses the tunnel with %i is exit 2 in one line naming the proxy and its status, never its credentials",
    async (status, meaning) => {
      // issue 24: this was exit 1 with "request was aborted" findings and 76 skips.
      const { provider, proxy } = await setUp({ refuseConnect: status });
      const hostPort = new URL(proxy.url).host;
      const outcome = await conformance({
        TENANT_API_BASE_URL: provider.baseUrl,
        TENANT_API_TOKEN: provider.tokens.owner,
        HTTP_PROXY: `http://ci-user:s3cret-Pa55@${hostPort}`,
      });
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).not.toMatch(/s3cret|ci-user/);
      expect(outcome.stderr).not.toMatch(/s3cret|ci-user/);
      expect(outcome.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(
          new RegExp(
            `^conformance: PROXY_REFUSED: the proxy ${hostPort.replace(/\./g, "\\.")} refused the tunnel with ${status} \\(${meaning}`,
          ),
        ),
      ]);
      expect(proxy.requests.length).toBe(1); // not asked again: nothing gets through a refusing proxy
    },
  );
});
