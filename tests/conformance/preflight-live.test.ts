/**
 * The preflight against live servers, in process: API bugs are findings (exit 1), and exit 2 is kept
 * for what only configuration explains, naming it (issue 17, "Real gateways and real APIs must not
 * turn into false alarms").
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/conformance.js";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { startBadServer } from "../support/bad-servers.js";
import { memoryIo } from "../support/cli-io.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function provider(options: ProviderOptions = {}): Promise<ProviderHandle> {
  const started = await startProvider(options);
  closers.push(() => started.close());
  return started;
}

/** The conformance command in process, read-only unless asked, in a fresh directory. */
async function conformance(env: Record<string, string>, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  const { io, stdout, stderr } = memoryIo({ cwd: dir });
  const code = await run(["--report-dir", join(dir, "reports"), "--journal", join(dir, "journal.json"), "--runs", "5", ...args], env, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const ownerEnv = (p: ProviderHandle, extra: Record<string, string> = {}) => ({
  TENANT_API_BASE_URL: p.baseUrl,
  TENANT_API_TOKEN: p.tokens.owner,
  ...extra,
});

/** The owner's list answered with `body` instead of the documented one. */
function ownerList(body: (p: ProviderHandle) => unknown): ProviderOptions & { handle?: ProviderHandle } {
  const options: ProviderOptions & { handle?: ProviderHandle } = {
    intercept: (request, response) => {
      const p = options.handle;
      if (p === undefined || request.url !== "/tenant/api/v1/orgs" || request.headers.authorization !== `Bearer ${p.tokens.owner}`) {
        return false;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body(p)));
      return true;
    },
  };
  return options;
}

function expectConfigError(outcome: { code: number; stdout: string; stderr: string }, ...parts: string[]): void {
  expect(outcome.code).toBe(2);
  expect(outcome.stderr.trim().split("\n")).toHaveLength(1);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
  for (const part of parts) expect(outcome.stderr).toContain(part);
}

describe("API bugs in the owner's list are findings, never configuration errors", () => {
  it("reports a list answered as a bare array (exit 1), with or without TENANT_API_ORG_ID", async () => {
    const options = ownerList((p) => [{ id: p.orgs.editable, name: "Org", status: "active" }]);
    const p = await provider(options);
    options.handle = p;
    for (const extra of [{}, { TENANT_API_ORG_ID: p.orgs.editable }] as Record<string, string>[]) {
      const outcome = await conformance(ownerEnv(p, extra));
      expect(outcome.stderr).toBe("");
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toMatch(/listUserOrganizations 200 \/: .*\[response-schema\]/);
    }
  }, 60_000);

  it("reports numeric ids (exit 1)", async () => {
    const options = ownerList(() => ({ data: [{ id: 48213, name: "Org", status: "active" }] }));
    const p = await provider(options);
    options.handle = p;
    const outcome = await conformance(ownerEnv(p));
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/listUserOrganizations 200 \/data\/\*\/id: expected type string, got number 48213 \[response-schema\]/);
  }, 60_000);

  it("reports numeric ids (exit 1) with TENANT_API_ORG_ID set, not 'the org is not among the organizations' (issue 24)", async () => {
    const options = ownerList(() => ({ data: [{ id: 48213, name: "Org", status: "active" }] }));
    const p = await provider(options);
    options.handle = p;
    const outcome = await conformance(ownerEnv(p, { TENANT_API_ORG_ID: p.orgs.editable }));
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).not.toContain("is not among");
    expect(outcome.stdout).toContain("the owner's list breaks the documented schema (/data/0/id:");
    expect(outcome.stdout).toMatch(/listUserOrganizations 200 \/data\/\*\/id: expected type string, got number 48213 \[response-schema\]/);
  }, 60_000);
});

describe("a transient failure of the preflight list", () => {
  it("is asked again, and the run without TENANT_API_ORG_ID goes on with the listed org", async () => {
    let lists = 0;
    const p = await provider({
      intercept: (request, response) => {
        if (request.url !== "/tenant/api/v1/orgs" || lists++ > 0) return false;
        response.writeHead(500, { "content-type": "application/json" });
        response.end('{"code":"internal","message":"try again"}');
        return true;
      },
    });
    const outcome = await conformance(ownerEnv(p));
    expect(outcome.stderr).toBe("");
    expect(outcome.stdout).toContain("conformance: preflight: GET");
    expect(outcome.stdout).toContain("answered 500, then 200");
    expect(outcome.stdout).not.toMatch(/SKIP .*no organization/);
    expect(outcome.code).toBe(0);
  }, 60_000);

  it("that never clears is reported: exit 1, and the skipped checks are explained", async () => {
    const bad = await startBadServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"code":"internal","message":"boom"}');
    });
    closers.push(() => bad.close());
    const outcome = await conformance({ TENANT_API_BASE_URL: bad.baseUrl, TENANT_API_TOKEN: "nc-at-token-1" });
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain("no organization to test: GET");
    expect(outcome.stdout).toContain("answered 500 on all 3 attempts");
    expect(bad.received.filter((r) => r.url === "/tenant/api/v1/orgs").length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

describe("every persona token is checked by the preflight", () => {
  it("exits 2 naming the variable of an expired token (401)", async () => {
    const p = await provider();
    const outcome = await conformance(ownerEnv(p, { TENANT_API_ADMIN_TOKEN: "nc-at-expired-0000" }));
    expectConfigError(outcome, "TENANT_API_ADMIN_TOKEN was rejected (401");
  });

  it("exits 2 when a member's token is in TENANT_API_OUTSIDER_TOKEN (the foreign owner does not list the org)", async () => {
    const p = await provider();
    const env = ownerEnv(p, {
      TENANT_API_ORG_ID: p.orgs.editable,
      TENANT_API_FOREIGN_ORG_ID: p.orgs.foreign,
      TENANT_API_FOREIGN_TOKEN: p.tokens.foreignOwner,
      TENANT_API_OUTSIDER_TOKEN: p.tokens.member,
    });
    expectConfigError(await conformance(env), "TENANT_API_OUTSIDER_TOKEN lists TENANT_API_ORG_ID", "not an outsider's");
  });

  it("leaves an outsider listing the org to the checks when nothing shows the API limits lists to members", async () => {
    // The API lists every org to every caller: the outsider's list shows the org, as a member's would.
    const p = await provider({ rules: { visibleOrganizations: (_user, state) => [...state.organizations.values()] } });
    const env = ownerEnv(p, { TENANT_API_ORG_ID: p.orgs.editable, TENANT_API_OUTSIDER_TOKEN: p.tokens.outsider });
    const outcome = await conformance(env);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain("[list-outsider-404-or-empty]");
  }, 60_000);

  it("exits 2 when an outsider's token is in TENANT_API_MEMBER_TOKEN", async () => {
    const p = await provider();
    const env = ownerEnv(p, { TENANT_API_ORG_ID: p.orgs.editable, TENANT_API_MEMBER_TOKEN: p.tokens.outsider });
    expectConfigError(await conformance(env), "TENANT_API_MEMBER_TOKEN does not see TENANT_API_ORG_ID", "reading it answers 403");
  });

  it("exits 2 when TENANT_API_FOREIGN_TOKEN is not the foreign org's owner", async () => {
    const p = await provider();
    const env = ownerEnv(p, { TENANT_API_FOREIGN_ORG_ID: p.orgs.foreign, TENANT_API_FOREIGN_TOKEN: p.tokens.member });
    expectConfigError(await conformance(env), "TENANT_API_FOREIGN_TOKEN does not see TENANT_API_FOREIGN_ORG_ID");
  });

  it("exits 2 when two variables hold one token, naming both and neither value", async () => {
    const p = await provider();
    const outcome = await conformance(ownerEnv(p, { TENANT_API_MEMBER_TOKEN: p.tokens.owner }));
    expectConfigError(outcome, "TENANT_API_MEMBER_TOKEN holds the same token as TENANT_API_TOKEN");
    expect(outcome.stderr).not.toContain(p.tokens.owner);
  });

  it("leaves a real permission bug to the checks: every persona configured right, exit 1", async () => {
    // Every list shows every organization, and anyone reads any: the outsider lists the foreign org too.
    const p = await provider({ rules: { canRead: () => true, visibleOrganizations: (_user, state) => [...state.organizations.values()] } });
    const env = ownerEnv(p, {
      TENANT_API_ORG_ID: p.orgs.editable,
      TENANT_API_FOREIGN_ORG_ID: p.orgs.foreign,
      TENANT_API_MEMBER_TOKEN: p.tokens.member,
      TENANT_API_ADMIN_TOKEN: p.tokens.admin,
      TENANT_API_OUTSIDER_TOKEN: p.tokens.outsider,
      TENANT_API_FOREIGN_TOKEN: p.tokens.foreignOwner,
    });
    const outcome = await conformance(env);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain("[get-outsider-403-or-404]");
  }, 60_000);

  it("passes the reference provider with every persona configured", async () => {
    const p = await provider();
    const env = ownerEnv(p, {
      TENANT_API_ORG_ID: p.orgs.editable,
      TENANT_API_FOREIGN_ORG_ID: p.orgs.foreign,
      TENANT_API_MEMBER_TOKEN: p.tokens.member,
      TENANT_API_ADMIN_TOKEN: p.tokens.admin,
      TENANT_API_OUTSIDER_TOKEN: p.tokens.outsider,
      TENANT_API_FOREIGN_TOKEN: p.tokens.foreignOwner,
    });
    const outcome = await conformance(env);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
  }, 60_000);
});

describe("what only the URL or the token explains is exit 2 naming the cause", () => {
  it("an https:// URL to a plain-HTTP server", async () => {
    const p = await provider();
    const outcome = await conformance(ownerEnv(p, { TENANT_API_BASE_URL: p.baseUrl.replace(/^http:/, "https:") }));
    expectConfigError(outcome, "TENANT_API_BASE_URL", "https:// URL to a plain-HTTP server");
  });

  it("a base URL that redirects, naming where to (and the token is not sent there)", async () => {
    const elsewhere = await startBadServer((_req, res) => res.end());
    closers.push(() => elsewhere.close());
    const moved = createServer((req, res) => {
      res.writeHead(301, { location: `${elsewhere.origin}${req.url ?? "/"}` });
      res.end();
    });
    await new Promise<void>((resolve) => moved.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => moved.close(() => resolve())));
    const baseUrl = `http://127.0.0.1:${(moved.address() as AddressInfo).port}/tenant`;
    const outcome = await conformance({ TENANT_API_BASE_URL: baseUrl, TENANT_API_TOKEN: "nc-at-token-2" });
    expectConfigError(outcome, "answered 301, a redirect to", elsewhere.origin, "set TENANT_API_BASE_URL to the API's final URL");
    expect(elsewhere.received).toEqual([]);
  });

  it("a token with a line break, without the token in the message", async () => {
    const p = await provider();
    const outcome = await conformance(ownerEnv(p, { TENANT_API_TOKEN: `${p.tokens.owner}\nsecond-line-of-the-file` }));
    expectConfigError(outcome, "TENANT_API_TOKEN contains a line break");
    expect(outcome.stderr).not.toContain("second-line-of-the-file");
  });
});
