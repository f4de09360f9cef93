/** Configuration mistakes, as a user makes them: each is exit 2 with one line on stderr, before any check. */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { type CliRun, runConformance } from "../support/cli.js";

const SECRET = "nc-at-CANARY-config-b71f0c2e";
const tempDir = () => mkdtempSync(join(tmpdir(), "config-"));

const providers: ProviderHandle[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

/** A reference provider that counts the requests it receives; `listBody` replaces the owner's list answer. */
async function countingProvider(
  listBody?: (provider: ProviderHandle) => unknown,
): Promise<{ provider: ProviderHandle; requests: string[] }> {
  const requests: string[] = [];
  const provider: ProviderHandle = await startProvider({
    intercept: (request, response) => {
      requests.push(`${request.method} ${request.url}`);
      if (
        listBody === undefined ||
        request.url !== "/tenant/api/v1/orgs" ||
        request.headers.authorization !== `Bearer ${provider.tokens.owner}`
      ) {
        return false;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(listBody(provider)));
      return true;
    },
  });
  providers.push(provider);
  return { provider, requests };
}

function expectConfigError(run: CliRun, ...parts: string[]): void {
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  for (const part of parts) expect(run.stderr).toContain(part);
  expect(run.stdout).not.toMatch(/passed/);
  expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
}

describe("a run meant for a live API never falls back to the embedded provider", () => {
  it("exits 2 when a token is set and the base URL is empty (an unset CI variable)", async () => {
    const run = await runConformance([], { env: { TENANT_API_TOKEN: SECRET, TENANT_API_BASE_URL: "" }, cwd: tempDir() });
    expectConfigError(run, "CONFIG_MISSING", "TENANT_API_TOKEN is set but TENANT_API_BASE_URL is empty");
  });

  it("exits 2 on a misspelt variable, naming the closest known name", async () => {
    const env = { TENANT_API_BASE_URI: "http://127.0.0.1:9/tenant", TENANT_API_TOKEN: SECRET };
    const run = await runConformance([], { env, cwd: tempDir() });
    expectConfigError(run, "unknown variable TENANT_API_BASE_URI (did you mean TENANT_API_BASE_URL?)");
  });

  it("reads a token on the first line of a .env that starts with a byte-order mark", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".env"), `\uFEFFTENANT_API_TOKEN=${SECRET}\n`);
    const run = await runConformance([], { cwd: dir });
    expectConfigError(run, "TENANT_API_TOKEN is set but TENANT_API_BASE_URL is not set");
  });
});

describe("a .env file read by a strict parser", () => {
  it.each([
    ["a garbage line", `TENANT_API_BASE_URL=http://127.0.0.1:9/tenant\n${SECRET}\n`, "cannot read .env: line 2: expected NAME=value"],
    [
      "an unterminated quote",
      `TENANT_API_BASE_URL=http://127.0.0.1:9/tenant\n\nTENANT_API_TOKEN="${SECRET}\n`,
      "cannot read .env: line 3:",
    ],
  ])("exits 2 on %s, naming its line and not its value", async (_name, text, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, ".env"), text);
    const run = await runConformance([], { cwd: dir });
    expectConfigError(run, "CONFIG_INVALID", message);
  });
});

describe("the preflight: configuration mistakes are exit 2, not findings", () => {
  it("exits 2 when the base URL lacks its /tenant prefix", async () => {
    const { provider } = await countingProvider();
    const env = { TENANT_API_BASE_URL: provider.baseUrl.replace(/\/tenant$/, ""), TENANT_API_TOKEN: provider.tokens.owner };
    const run = await runConformance([], { env, cwd: tempDir() });
    expectConfigError(run, "CONFIG_INVALID", "answered 404", "/tenant prefix");
  });

  it("exits 2 when the configured org is not one the token lists, and sends nothing after the list", async () => {
    const { provider, requests } = await countingProvider();
    const env = {
      TENANT_API_BASE_URL: provider.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      TENANT_API_ORG_ID: provider.missingOrgId,
    };
    const dir = tempDir();
    const run = await runConformance(["--report-dir", join(dir, "reports")], { env, cwd: dir });
    expectConfigError(run, "CONFIG_INVALID", `TENANT_API_ORG_ID ${provider.missingOrgId} is not among the 2 organizations`);
    expect(requests).toEqual(["GET /tenant/api/v1/orgs"]);
    expect(existsSync(join(dir, "reports", "conformance.json"))).toBe(false);
  });

  it("still reports a list item that breaks the schema as a finding (exit 1), not a configuration error", async () => {
    const { provider } = await countingProvider((p) => ({ data: [{ id: p.orgs.editable, name: "Org", status: "deleted" }] }));
    const env = {
      TENANT_API_BASE_URL: provider.baseUrl,
      TENANT_API_TOKEN: provider.tokens.owner,
      TENANT_API_ORG_ID: provider.orgs.editable,
    };
    const dir = tempDir();
    const run = await runConformance(["--report-dir", dir], { env, cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/listUserOrganizations 200 \/data\/\*\/status: .*\[response-schema\]/);
  });

  it("exits 2 on an org id of '..', which URL normalisation would turn into another path", async () => {
    const { provider, requests } = await countingProvider();
    const env = { TENANT_API_BASE_URL: provider.baseUrl, TENANT_API_TOKEN: provider.tokens.owner, TENANT_API_FOREIGN_ORG_ID: ".." };
    const run = await runConformance([], { env, cwd: tempDir() });
    expectConfigError(run, "TENANT_API_FOREIGN_ORG_ID must not be");
    expect(requests).toEqual([]);
  });
});

describe("a bad report directory", () => {
  it("fails fast with exit 2 under /proc, before the first request", async () => {
    const { provider, requests } = await countingProvider();
    const env = { TENANT_API_BASE_URL: provider.baseUrl, TENANT_API_TOKEN: provider.tokens.owner };
    // Node 20's recursive mkdirSync spins forever there and ignores SIGTERM: SIGKILL bounds the test.
    let guard: NodeJS.Timeout | undefined;
    const run = await runConformance(["--report-dir", "/proc/conformance-reports"], {
      env,
      cwd: tempDir(),
      onStart: (child) => {
        guard = setTimeout(() => child.kill("SIGKILL"), 45_000);
      },
    });
    clearTimeout(guard);
    expectConfigError(run, "CONFIG_INVALID", "--report-dir /proc/conformance-reports: cannot create");
    expect(requests).toEqual([]);
  });
});
