/**
 * The reference provider, over real HTTP: every documented (operation, status) pair can be produced,
 * the API's rules hold, and every response it sends is valid against the spec.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { documentedStatuses } from "../../src/spec/document.js";
import { specValidators } from "../../src/validation/validators.js";

type OperationId = "listUserOrganizations" | "getOrganization" | "updateOrganization";

interface Call {
  /** Raw Authorization header; omitted means none. */
  authorization?: string;
  orgId?: string;
  /** A value sent as JSON, or `raw` text sent as is. */
  json?: unknown;
  raw?: string;
}

interface Received {
  status: number;
  body: Record<string, unknown>;
}

let provider: ProviderHandle;
const bearer = (token: string) => `Bearer ${token}`;

/** One request; the response must be valid for the spec, whatever the test then checks. */
async function call(operationId: OperationId, { authorization, orgId, json, raw }: Call = {}): Promise<Received> {
  const path =
    operationId === "listUserOrganizations" ? "/api/v1/orgs" : `/api/v1/orgs/${encodeURIComponent(orgId ?? provider.orgs.editable)}`;
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  const text = raw ?? (json === undefined ? undefined : JSON.stringify(json));
  if (text !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${provider.baseUrl}${path}`, {
    method: operationId === "updateOrganization" ? "PATCH" : "GET",
    headers,
    body: text,
  });
  const body = (await response.json()) as Record<string, unknown>;
  const result = specValidators().validateResponse({
    operationId,
    status: response.status,
    contentType: response.headers.get("content-type") ?? undefined,
    body,
  });
  expect(result.problems.map((p) => p.message)).toEqual([]);
  return { status: response.status, body };
}

const asOwner = (operationId: OperationId, extra: Omit<Call, "authorization"> = {}) =>
  call(operationId, { authorization: bearer(provider.tokens.owner), ...extra });
const patch = (json: unknown, token = provider.tokens.owner, orgId = provider.orgs.editable) =>
  call("updateOrganization", { authorization: bearer(token), orgId, json });
const current = async () => (await asOwner("getOrganization")).body;

beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());
beforeEach(() => provider.state.reset());

describe("every documented (operation, status) pair", () => {
  const forced = (operationId: OperationId, status: number) => () => {
    provider.state.forcedStatuses.set(operationId, status);
    return asOwner(operationId);
  };
  const SCENARIOS: Record<OperationId, Record<number, () => Promise<Received>>> = {
    listUserOrganizations: {
      200: () => asOwner("listUserOrganizations"),
      401: () => call("listUserOrganizations"),
      403: forced("listUserOrganizations", 403),
      404: () => call("listUserOrganizations", { authorization: bearer(provider.tokens.outsider) }),
      500: forced("listUserOrganizations", 500),
    },
    getOrganization: {
      200: () => asOwner("getOrganization"),
      400: () => asOwner("getOrganization", { orgId: provider.invalidOrgId }),
      401: () => call("getOrganization"),
      403: () => asOwner("getOrganization", { orgId: provider.orgs.foreign }),
      404: () => asOwner("getOrganization", { orgId: provider.missingOrgId }),
      500: forced("getOrganization", 500),
    },
    updateOrganization: {
      200: () => patch({ name: "Renamed" }),
      400: () => patch({}),
      401: () => call("updateOrganization", { json: { name: "x" } }),
      403: () => patch({ name: "x" }, provider.tokens.member),
      404: () => patch({ name: "x" }, provider.tokens.owner, provider.missingOrgId),
      500: () => {
        provider.state.forcedStatuses.set("updateOrganization", 500);
        return patch({ name: "x" });
      },
    },
  };
  const CASES = Object.entries(SCENARIOS).flatMap(([operationId, byStatus]) =>
    Object.entries(byStatus).map(([status, scenario]) => ({ operationId, status: Number(status), scenario })),
  );

  it("is covered by exactly one scenario here", () => {
    const documented = Object.fromEntries(
      [...specValidators().spec.operations.values()].map((op) => [op.operationId, documentedStatuses(op)]),
    );
    const covered = Object.fromEntries(Object.entries(SCENARIOS).map(([id, byStatus]) => [id, Object.keys(byStatus).map(Number)]));
    expect(covered).toEqual(documented);
  });

  it.each(CASES)("$operationId answers $status with a valid body", async ({ status, scenario }) => {
    expect((await scenario()).status).toBe(status);
  });
});

describe("authentication", () => {
  const OPERATIONS: OperationId[] = ["listUserOrganizations", "getOrganization", "updateOrganization"];
  const BAD_HEADERS: [string, () => string | undefined][] = [
    ["no Authorization header", () => undefined],
    ["a `Token x` header", () => "Token x"],
    ["a bare token without Bearer", () => provider.tokens.owner],
    ["an unknown token", () => bearer("nc-at-unknown-token")],
    ["an inference key (sk-nc-)", () => bearer(provider.tokens.inferenceKey)],
  ];
  const CASES = OPERATIONS.flatMap((operationId) => BAD_HEADERS.map(([label, header]) => ({ operationId, label, header })));

  it.each(CASES)("$operationId answers 401 to $label", async ({ operationId, header }) => {
    const before = await current();
    const response = await call(operationId, {
      authorization: header(),
      json: operationId === "updateOrganization" ? { name: "Hacked" } : undefined,
    });
    expect(response.status).toBe(401);
    expect(await current()).toEqual(before);
  });
});

describe("reading organizations", () => {
  it("lists the owner's organizations, including the editable one", async () => {
    const { status, body } = await asOwner("listUserOrganizations");
    expect(status).toBe(200);
    expect((body.data as { id: string }[]).map((org) => org.id)).toContain(provider.orgs.editable);
  });

  it("answers 404 to a list for a user with no organizations (the outsider)", async () => {
    expect((await call("listUserOrganizations", { authorization: bearer(provider.tokens.outsider) })).status).toBe(404);
  });

  it.each([
    ["a malformed id", () => provider.invalidOrgId, 400],
    ["an unknown id", () => provider.missingOrgId, 404],
    ["another tenant's organization", () => provider.orgs.foreign, 403],
  ] as const)("answers a get of %s with %i", async (_label, orgId, status) => {
    expect((await asOwner("getOrganization", { orgId: orgId() })).status).toBe(status);
  });

  it("lets a member read the organization", async () => {
    expect((await call("getOrganization", { authorization: bearer(provider.tokens.member) })).status).toBe(200);
  });
});

describe("updating an organization", () => {
  /** The PATCH must be refused with `status` and change nothing (GET before and after). */
  async function expectRejected(send: () => Promise<Received>, status: number): Promise<void> {
    const before = await current();
    expect((await send()).status).toBe(status);
    expect(await current()).toEqual(before);
  }

  it.each([
    ["a member", () => patch({ name: "x" }, provider.tokens.member), 403],
    ["the owner of another tenant's organization id", () => patch({ name: "x" }, provider.tokens.owner, provider.orgs.foreign), 403],
    ["an unknown id", () => patch({ name: "x" }, provider.tokens.owner, provider.missingOrgId), 404],
    ["a malformed id", () => patch({ name: "x" }, provider.tokens.owner, provider.invalidOrgId), 400],
  ] as const)("refuses a PATCH from %s and changes nothing", async (_label, send, status) => {
    await expectRejected(send, status);
  });

  it.each([
    ["{}", {}],
    ['{"name":""}', { name: "" }],
    ['{"name":"","description":"d"}', { name: "", description: "d" }],
    ["name null", { name: null }],
    ["name a number", { name: 42 }],
    ["name an array", { name: ["a"] }],
    ["description a number", { description: 7 }],
    ["an array body", [{ name: "x" }]],
    ["a string body", "x"],
    ["a null body", null],
    ["only unknown properties", { colour: "blue" }],
  ])("answers 400 to %s and changes nothing", async (_label, json) => {
    await expectRejected(() => patch(json), 400);
  });

  it.each([
    ["malformed JSON", '{"name": '],
    ["an empty body", ""],
  ])("answers 400 to %s and changes nothing", async (_label, raw) => {
    await expectRejected(() => call("updateOrganization", { authorization: bearer(provider.tokens.owner), raw }), 400);
  });

  it.each([
    ["ASCII", "a"],
    ["2-byte", "é"],
    ["astral", "😀"],
  ])("accepts a name of 100 %s code points and refuses 101", async (_label, character) => {
    const accepted = await patch({ name: character.repeat(100) });
    expect(accepted.status).toBe(200);
    expect(accepted.body.name).toBe(character.repeat(100));
    await expectRejected(() => patch({ name: character.repeat(101) }), 400);
  });

  it("lets an admin rename the organization", async () => {
    const { status, body } = await patch({ name: "By the admin" }, provider.adminToken);
    expect(status).toBe(200);
    expect(body.name).toBe("By the admin");
    expect((await current()).name).toBe("By the admin");
  });

  it('clears the description with {"description":""}: absent in the response and in a following GET', async () => {
    expect((await current()).description).toBeDefined();
    const { status, body } = await patch({ description: "" });
    expect(status).toBe(200);
    expect(body).not.toHaveProperty("description");
    expect(await current()).not.toHaveProperty("description");
  });

  it("keeps the description when only the name is sent", async () => {
    const before = await current();
    const { body } = await patch({ name: "New name" });
    expect(body).toEqual({ ...before, name: "New name" });
    expect(await current()).toEqual({ ...before, name: "New name" });
  });

  it("keeps the name when only the description is sent", async () => {
    const before = await current();
    const { body } = await patch({ description: "New description" });
    expect(body).toEqual({ ...before, description: "New description" });
    expect(await current()).toEqual({ ...before, description: "New description" });
  });

  it("does not apply id, status or referral_code sent in the body, and ignores unknown properties", async () => {
    const before = await current();
    const { status, body } = await patch({
      name: "Only this",
      id: provider.missingOrgId,
      status: "archived",
      referral_code: "HACKED",
      colour: "blue",
    });
    expect(status).toBe(200);
    expect(body).toEqual({ ...before, name: "Only this" });
    expect(await current()).toEqual({ ...before, name: "Only this" });
  });
});

describe("npm run provider -- --json", () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    // npm and the provider it runs (its script execs it): end the whole group this test started, by its id.
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await exited;
  });

  /** The first stdout line, or a rejection if the process ends before printing one. */
  function firstLine(process: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: process.stdout as NodeJS.ReadableStream });
      lines.once("line", resolve);
      process.once("exit", (code) => reject(new Error(`provider exited (${code}) before printing a line`)));
    });
  }

  it("prints one JSON line first saying how to reach the provider, then serves until killed", async () => {
    child = spawn("npm", ["run", "--silent", "provider", "--", "--json"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const info = JSON.parse(await firstLine(child)) as {
      baseUrl: string;
      tokens: Record<string, string>;
      orgs: Record<string, string>;
      missingOrgId: string;
      invalidOrgId: string;
    };
    expect(Object.keys(info).sort()).toEqual(["baseUrl", "invalidOrgId", "missingOrgId", "orgs", "providerStatesSetupUrl", "tokens"]);
    expect(Object.keys(info.tokens).sort()).toEqual(["admin", "foreignOwner", "inferenceKey", "member", "outsider", "owner"]);
    expect(info.tokens.inferenceKey).toMatch(/^sk-nc-/);
    expect(Object.keys(info.orgs).sort()).toEqual(["editable", "foreign"]);
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tenant$/);
    for (const value of [info.missingOrgId, info.invalidOrgId, info.orgs.editable, info.orgs.foreign]) expect(typeof value).toBe("string");

    const response = await fetch(`${info.baseUrl}/api/v1/orgs`, { headers: { authorization: `Bearer ${info.tokens.owner}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { id: string }[] };
    expect(body.data.map((org) => org.id)).toContain(info.orgs.editable);
  }, 60_000);
});
