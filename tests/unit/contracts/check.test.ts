/**
 * The bi-directional check against pacts that break each rule once: each broken copy of a committed
 * interaction must produce exactly the finding for that rule, and the committed pact none.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/cli/contracts-check.js";
import { checkPact } from "../../../src/contracts/check.js";
import { CONTRACTS_DIR, pactNames } from "../../../src/contracts/names.js";
import { parsePact } from "../../../src/contracts/pact-model.js";
import { specValidators } from "../../../src/validation/validators.js";
import { memoryIo } from "../../support/cli-io.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests break pact JSON in place, field by field
type Json = Record<string, any>;

const committedPath = join(CONTRACTS_DIR, pactNames().fileName);
const committed = JSON.parse(readFileSync(committedPath, "utf8")) as Json;
const dir = mkdtempSync(join(tmpdir(), "pact-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-interaction pact: a copy of the committed interaction with this description, changed. */
function brokenPact(description: string, change: (interaction: Json) => void): Json {
  const original = (committed.interactions as Json[]).find((i) => i.description === description);
  if (!original) throw new Error(`no committed interaction "${description}"`);
  const interaction = structuredClone(original);
  change(interaction);
  return { ...committed, interactions: [interaction] };
}

function codes(pact: Json): string[] {
  return checkPact(parsePact(pact), specValidators()).map((f) => f.finding.code);
}

const GET_200 = "a request for an organization the caller is a member of";
const PATCH_200 = "an update of the name and description of an organization the caller owns";

describe("contracts:check", () => {
  it("finds nothing in the committed pact", () => {
    expect(codes(committed)).toEqual([]);
  });

  it("accepts paths written with the server's base path (/tenant)", () => {
    expect(codes(brokenPact(GET_200, (i) => (i.request.path = `/tenant${i.request.path}`)))).toEqual([]);
  });

  const cases: [string, string, (i: Json) => void, string][] = [
    ["a path the spec lacks", GET_200, (i) => (i.request.path = "/api/v1/organisations/x"), "unknown-path"],
    ["a method the spec lacks on a path", GET_200, (i) => (i.request.method = "DELETE"), "unknown-method"],
    ["an undocumented status", GET_200, (i) => (i.response.status = 418), "undocumented-status"],
    [
      "an undocumented response content type",
      GET_200,
      (i) => {
        i.response.headers["Content-Type"] = ["text/html"];
        i.response.body.contentType = "text/html";
      },
      "undocumented-media-type",
    ],
    [
      "a response without a content type",
      GET_200,
      (i) => {
        delete i.response.body;
        delete i.response.headers;
      },
      "missing-content-type",
    ],
    ["a response body that breaks its schema", GET_200, (i) => (i.response.body.content.status = "deleted"), "response-schema"],
    [
      "an error body without its required message",
      GET_200,
      (i) => {
        i.response.status = 404;
        i.response.body.content = { code: "not_found" };
      },
      "response-schema",
    ],
    ["a 2xx PATCH body that breaks the request schema", PATCH_200, (i) => (i.request.body.content.name = ""), "request-schema"],
    [
      "a 2xx PATCH body that is not JSON",
      PATCH_200,
      (i) => {
        i.request.body = { content: Buffer.from("name=x").toString("base64"), contentType: "application/json", encoded: "base64" };
      },
      "body-not-json",
    ],
    ["a 2xx PATCH without a body", PATCH_200, (i) => delete i.request.body, "request-body-missing"],
    ["a request without bearer auth", GET_200, (i) => delete i.request.headers.Authorization, "missing-bearer-auth"],
    ["a request with Basic auth", GET_200, (i) => (i.request.headers.Authorization = ["Basic dXNlcjpwYXNz"]), "missing-bearer-auth"],
  ];
  for (const [what, description, change, code] of cases) {
    it(`finds ${what} [${code}]`, () => {
      expect(codes(brokenPact(description, change))).toEqual([code]);
    });
  }

  it("lets 401 interactions go without a token", () => {
    const pact = brokenPact("a request for organizations without an access token", () => {});
    expect(codes(pact)).toEqual([]);
  });

  it("reads V3 pacts (bodies as values, headers as strings)", () => {
    const v3 = {
      consumer: { name: "c" },
      provider: { name: "p" },
      interactions: [
        {
          description: "v3 get",
          request: { method: "GET", path: "/api/v1/orgs/x", headers: { Authorization: "Bearer t" } },
          response: { status: 200, headers: { "Content-Type": "application/json" }, body: { id: 1 } },
        },
      ],
      metadata: { pactSpecification: { version: "3.0.0" } },
    };
    expect(codes(v3)).toEqual(["response-schema"]);
  });

  it("exits 1 and prints one line per finding with the file and interaction", async () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, JSON.stringify(brokenPact(GET_200, (i) => (i.response.status = 418))));
    const cli = memoryIo();
    expect(await run([file], {}, cli.io)).toBe(1);
    const lines = cli.stdout().trimEnd().split("\n");
    expect(lines[0]).toContain(
      `"${GET_200}": getOrganization 418 /: expected one of 200, 400, 401, 403, 404, 500, got 418 [undocumented-status]`,
    );
    expect(lines.at(-1)).toContain("1 finding(s)");
  });

  it("exits 0 on the committed pacts by default", async () => {
    const cli = memoryIo();
    expect(await run([], {}, cli.io)).toBe(0);
    const lines = cli.stdout().trimEnd().split("\n");
    expect(lines.at(-1)).toContain("every interaction conforms");
  });

  it("exits 2 with one line on stderr for a missing file, invalid JSON or a non-pact", () => {
    const invalid = join(dir, "invalid.json");
    writeFileSync(invalid, "{ not json");
    const notPact = join(dir, "not-pact.json");
    writeFileSync(notPact, JSON.stringify({ hello: "world" }));
    for (const [file, code] of [
      [join(dir, "missing.json"), "PACT_INVALID: cannot read pact"],
      [invalid, "PACT_INVALID: pact"],
      [notPact, "is not a pact"],
    ] as const) {
      const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "contracts:check", file], { encoding: "utf8" });
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(code);
    }
  }, 30_000);
});
