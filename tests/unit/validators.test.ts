/**
 * SpecValidators: the spec's schemas with OpenAPI semantics (readOnly/writeOnly by direction,
 * nullable only where declared, lengths in code points), results as data that name the body
 * location, the spec location, what was expected and what was found.
 */
import { Ajv } from "ajv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { documentedStatuses, indexSpec, loadSpec } from "../../src/spec/document.js";
import { SpecValidators, specValidators } from "../../src/validation/validators.js";

const validators = specValidators();
const JSON_TYPE = "application/json";

const organization = {
  id: "0b5f0e0c-8c1e-4c43-9a51-1f0a4f3c2b7e",
  name: "Acme",
  description: "d",
  referral_code: "AB12",
  status: "active",
};
const error = { code: "not_found", message: "Organization not found." };

/** A body the spec allows for each documented (operation, status). */
const VALID_BODIES: Record<string, Record<number, unknown>> = {
  listUserOrganizations: { 200: { data: [organization] }, 401: error, 403: error, 404: error, 500: error },
  getOrganization: { 200: organization, 400: error, 401: error, 403: error, 404: error, 500: error },
  updateOrganization: { 200: organization, 400: error, 401: error, 403: error, 404: error, 500: error },
};
const VALID_CASES = Object.entries(VALID_BODIES).flatMap(([operationId, byStatus]) =>
  Object.entries(byStatus).map(([status, body]) => ({ operationId, status: Number(status), body })),
);

/** A getOrganization response check (a default parameter: tests of a missing header call validateResponse directly). */
const getOrg = (body: unknown, contentType: string | undefined = JSON_TYPE, status = 200) =>
  validators.validateResponse({ operationId: "getOrganization", status, contentType, body });

describe("response validation against the committed spec", () => {
  it("has a sample body for exactly the documented (operation, status) pairs", () => {
    const documented = Object.fromEntries(
      [...validators.spec.operations.values()].map((op) => [op.operationId, documentedStatuses(op)] as const),
    );
    const sampled = Object.fromEntries(Object.entries(VALID_BODIES).map(([id, byStatus]) => [id, Object.keys(byStatus).map(Number)]));
    expect(sampled).toEqual(documented);
  });

  it.each(VALID_CASES)("accepts a valid $operationId $status body", ({ operationId, status, body }) => {
    const result = validators.validateResponse({ operationId, status, contentType: JSON_TYPE, body });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ valid: true, status, mediaType: JSON_TYPE, direction: "response" });
  });

  it("accepts an empty organization list", () => {
    expect(
      validators.validateResponse({ operationId: "listUserOrganizations", status: 200, contentType: JSON_TYPE, body: { data: [] } }).valid,
    ).toBe(true);
  });

  it("accepts media type parameters and case: application/json; charset=utf-8", () => {
    expect(getOrg(organization, "application/json; charset=utf-8")).toMatchObject({ valid: true, mediaType: JSON_TYPE });
    expect(getOrg(organization, "Application/JSON").valid).toBe(true);
  });

  it("reports an undocumented status (422) as undocumented-status listing the documented ones", () => {
    const result = getOrg(error, JSON_TYPE, 422);
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: "undocumented-status",
        instancePath: "",
        schemaPath: "#/paths/~1api~1v1~1orgs~1{org_id}/get/responses",
        expected: "one of 200, 400, 401, 403, 404, 500",
        actual: "422",
      }),
    ]);
  });

  it("reports text/html as an undocumented media type", () => {
    const result = getOrg(organization, "text/html; charset=utf-8");
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: "undocumented-media-type",
        actual: "text/html",
        schemaPath: "#/paths/~1api~1v1~1orgs~1{org_id}/get/responses/200/content",
      }),
    ]);
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["unparseable", "json"],
  ])("reports a missing Content-Type (%s header)", (_label, header) => {
    const result = validators.validateResponse({ operationId: "getOrganization", status: 200, contentType: header, body: organization });
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(["missing-content-type"]);
  });

  it.each([
    ["name", { ...organization, name: null }],
    ["description", { ...organization, description: null }],
    ["status", { ...organization, status: null }],
  ])("rejects null for %s: nothing in the spec is nullable", (property, body) => {
    const result = getOrg(body);
    expect(result.valid).toBe(false);
    // The first problem is the type; an enum (status) also reports that null is not one of its values.
    expect(result.problems[0]).toMatchObject({
      code: "schema-violation",
      instancePath: `/${property}`,
      expected: "type string",
      actual: "null",
    });
    expect(result.problems.every((p) => p.instancePath === `/${property}`)).toBe(true);
  });

  it("rejects an error body without code and message, one problem per missing property", () => {
    const result = getOrg({}, JSON_TYPE, 404);
    expect(result.problems.map((p) => [p.instancePath, p.schemaPath, p.expected])).toEqual([
      ["/code", "#/components/schemas/ErrorResponse/required", 'property "code"'],
      ["/message", "#/components/schemas/ErrorResponse/required", 'property "message"'],
    ]);
  });
});

describe("the per-instance caches behind the fast path", () => {
  it("answer a repeated header the same way (an unparseable one stays a missing Content-Type)", () => {
    for (let i = 0; i < 3; i += 1) {
      expect(
        validators.validateResponse({ operationId: "getOrganization", status: 200, contentType: "json", body: organization }).problems,
      ).toEqual([expect.objectContaining({ code: "missing-content-type", actual: '"json"' })]);
      expect(getOrg(organization, "text/html").problems.map((p) => p.code)).toEqual(["undocumented-media-type"]);
      expect(getOrg(organization).valid).toBe(true);
    }
  });

  it("never share a result between calls", () => {
    const first = getOrg(organization);
    const second = getOrg({ ...organization, status: "gone" });
    expect(first).not.toBe(second);
    expect(first).toMatchObject({ valid: true, problems: [] });
    expect(second.valid).toBe(false);
  });

  it("keep an undocumented status undocumented after documented ones were cached", () => {
    getOrg(organization);
    expect(getOrg(error, JSON_TYPE, 418).problems.map((p) => p.code)).toEqual(["undocumented-status"]);
  });
});

describe("name length counts Unicode code points, not UTF-16 units or bytes", () => {
  const CHARACTERS = [
    ["ASCII", "a"],
    ["2-byte", "é"],
    ["3-byte", "中"],
    ["astral", "😀"],
  ] as const;

  it.each(CHARACTERS)("accepts a name of 100 %s characters in a response and a request", (_label, character) => {
    const name = character.repeat(100);
    expect(getOrg({ ...organization, name }).valid).toBe(true);
    expect(validators.validateRequestBody({ operationId: "updateOrganization", body: { name } }).valid).toBe(true);
  });

  it.each(CHARACTERS)("rejects a name of 101 %s characters in a response and a request", (_label, character) => {
    const name = character.repeat(101);
    const response = getOrg({ ...organization, name });
    expect(response.problems).toEqual([
      expect.objectContaining({
        instancePath: "/name",
        keyword: "maxLength",
        schemaPath: "#/components/schemas/OrganizationResponse/properties/name/maxLength",
      }),
    ]);
    expect(response.problems[0]?.actual).toMatch(/^101 code points /);
    const request = validators.validateRequestBody({ operationId: "updateOrganization", body: { name } });
    expect(request.problems.map((p) => p.schemaPath)).toEqual(["#/components/schemas/OrganizationUpdateRequest/properties/name/maxLength"]);
  });

  it("rejects an empty name (minLength 1)", () => {
    expect(getOrg({ ...organization, name: "" }).problems.map((p) => p.keyword)).toEqual(["minLength"]);
  });
});

describe("a problem", () => {
  const result = validators.validateResponse({
    operationId: "listUserOrganizations",
    status: 200,
    contentType: JSON_TYPE,
    body: { data: [{ ...organization, status: "deleted" }] },
  });

  it("names the body location, the spec location, the expectation and the value found", () => {
    expect(result.problems).toEqual([
      {
        code: "schema-violation",
        instancePath: "/data/0/status",
        schemaPath: "#/components/schemas/ResourceState/enum",
        keyword: "enum",
        expected: 'one of ["active","suspended","archived","inactive"]',
        actual: '"deleted"',
        message:
          'body /data/0/status: expected one of ["active","suspended","archived","inactive"], got "deleted" (#/components/schemas/ResourceState/enum)',
      },
    ]);
  });

  it("has a message built only from its other fields", () => {
    for (const p of result.problems)
      expect(p.message).toBe(`body ${p.instancePath}: expected ${p.expected}, got ${p.actual} (${p.schemaPath})`);
  });

  it("reports every violation, not only the first", () => {
    const many = getOrg({ id: 1, name: 2, description: 3, referral_code: 4, status: 5 });
    expect(many.problems.map((p) => p.instancePath)).toEqual(["/id", "/name", "/description", "/referral_code", "/status", "/status"]);
  });

  it('does not coerce: the string "1" is not accepted where an array is expected', () => {
    const list = validators.validateResponse({
      operationId: "listUserOrganizations",
      status: 200,
      contentType: JSON_TYPE,
      body: { data: "1" },
    });
    expect(list.problems).toEqual([expect.objectContaining({ instancePath: "/data", expected: "type array", actual: 'string "1"' })]);
  });
});

/** A minimal spec exercising what the committed spec does not use: writeOnly, nullable, odd names. */
const SYNTHETIC = {
  openapi: "3.0.3",
  info: { title: "synthetic", version: "1" },
  paths: {
    "/widgets": {
      post: {
        operationId: "createWidget",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Widget" } } } },
        responses: {
          "201": { description: "created", content: { "application/json": { schema: { $ref: "#/components/schemas/Widget" } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Widget: {
        type: "object",
        required: ["id", "secret", "name", "a/b"],
        properties: {
          id: { type: "string", readOnly: true },
          secret: { type: "string", writeOnly: true },
          name: { type: "string" },
          note: { type: "string", nullable: true },
          "a/b": { type: "integer" },
        },
      },
    },
  },
};

describe("OpenAPI semantics (synthetic spec)", () => {
  const synthetic = new SpecValidators(indexSpec(SYNTHETIC, "synthetic"));
  const request = (body: unknown) => synthetic.validateRequestBody({ operationId: "createWidget", body });
  const response = (body: unknown) =>
    synthetic.validateResponse({ operationId: "createWidget", status: 201, contentType: JSON_TYPE, body });

  it("rejects a readOnly property in a request as a direction-violation pointing at readOnly", () => {
    const result = request({ id: "w1", secret: "s", name: "n", "a/b": 1 });
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: "direction-violation",
        instancePath: "/id",
        schemaPath: "#/components/schemas/Widget/properties/id/readOnly",
        expected: "property absent",
        actual: 'present "w1"',
      }),
    ]);
  });

  it("accepts the readOnly property in a response", () => {
    expect(response({ id: "w1", name: "n", "a/b": 1 }).problems).toEqual([]);
  });

  it("rejects a writeOnly property in a response as a direction-violation pointing at writeOnly", () => {
    const result = response({ id: "w1", secret: "s", name: "n", "a/b": 1 });
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: "direction-violation",
        instancePath: "/secret",
        schemaPath: "#/components/schemas/Widget/properties/secret/writeOnly",
      }),
    ]);
  });

  it("accepts the writeOnly property in a request", () => {
    expect(request({ secret: "s", name: "n", "a/b": 1 }).problems).toEqual([]);
  });

  it("does not require readOnly properties in requests nor writeOnly ones in responses", () => {
    expect(request({ secret: "s", name: "n", "a/b": 1 }).valid).toBe(true);
    expect(response({ id: "w1", name: "n", "a/b": 1 }).valid).toBe(true);
    expect(request({ name: "n", "a/b": 1 }).problems.map((p) => p.instancePath)).toEqual(["/secret"]);
  });

  it("honours nullable: true, and only there", () => {
    expect(response({ id: "w1", name: "n", note: null, "a/b": 1 }).valid).toBe(true);
    expect(response({ id: "w1", name: null, note: null, "a/b": 1 }).problems.map((p) => p.instancePath)).toEqual(["/name"]);
  });

  it("escapes property names in instance paths (RFC 6901)", () => {
    expect(response({ id: "w1", name: "n" }).problems.map((p) => p.instancePath)).toEqual(["/a~1b"]);
  });
});

describe("compilation", () => {
  afterEach(() => vi.restoreAllMocks());

  it("compiles each validator once, however often it is used", () => {
    const compile = vi.spyOn(Ajv.prototype, "compile");
    const fresh = new SpecValidators(loadSpec());
    for (let i = 0; i < 5; i += 1) {
      fresh.validateResponse({ operationId: "getOrganization", status: 200, contentType: JSON_TYPE, body: organization });
      fresh.validateResponse({ operationId: "getOrganization", status: 404, contentType: JSON_TYPE, body: error });
      fresh.validateRequestBody({ operationId: "updateOrganization", body: { name: "n" } });
    }
    expect(compile).toHaveBeenCalledTimes(3);
    expect(fresh.compileAll()).toBe(18);
    expect(compile).toHaveBeenCalledTimes(18);
  });

  it("compileAll compiles every (operation, status, media type) response and the request body", () => {
    const compile = vi.spyOn(Ajv.prototype, "compile");
    const fresh = new SpecValidators(loadSpec());
    const expected = [...fresh.spec.operations.values()].reduce(
      (sum, op) => sum + [...op.responses.values()].reduce((n, r) => n + r.content.size, 0) + (op.requestBody?.content.size ?? 0),
      0,
    );
    expect(expected).toBe(18); // 5 + 6 + 6 responses, 1 request body
    expect(fresh.compileAll()).toBe(expected);
    expect(compile).toHaveBeenCalledTimes(expected);
    expect(fresh.compileAll()).toBe(expected);
    expect(compile).toHaveBeenCalledTimes(expected);
  });
});
