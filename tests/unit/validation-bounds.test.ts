/** Issue 8, item 15: what a hostile body costs the validators is bounded. */
import { describe, expect, it } from "vitest";
import { jsonDepth, MAX_JSON_DEPTH } from "../../src/http/transport.js";
import { isObject } from "../../src/spec/assemble.js";
import { loadSpec } from "../../src/spec/document.js";
import { MAX_PROBLEMS_PER_BODY } from "../../src/validation/problems.js";
import { transformSchema } from "../../src/validation/schema-transform.js";
import { specValidators } from "../../src/validation/validators.js";

const listOf = (items: unknown[]) =>
  specValidators().validateResponse({
    operationId: "listUserOrganizations",
    status: 200,
    contentType: "application/json",
    body: { data: items },
  });

describe("problems per body", () => {
  it(`keeps the first ${MAX_PROBLEMS_PER_BODY} and counts the rest in one more problem`, () => {
    const result = listOf(Array.from({ length: 20_000 }, () => 1));
    expect(result.valid).toBe(false);
    expect(result.problems).toHaveLength(MAX_PROBLEMS_PER_BODY + 1);
    expect(result.problems[0]?.instancePath).toBe("/data/0");
    expect(result.problems[MAX_PROBLEMS_PER_BODY - 1]?.instancePath).toBe(`/data/${MAX_PROBLEMS_PER_BODY - 1}`);
    const rest = result.problems[MAX_PROBLEMS_PER_BODY];
    expect(rest?.actual).toBe(`${20_000 - MAX_PROBLEMS_PER_BODY} more problems (only the first ${MAX_PROBLEMS_PER_BODY} are listed)`);
    expect(rest?.code).toBe("schema-violation");
  });

  it(`lists all of exactly ${MAX_PROBLEMS_PER_BODY} problems with no count`, () => {
    const result = listOf(Array.from({ length: MAX_PROBLEMS_PER_BODY }, () => 1));
    expect(result.problems).toHaveLength(MAX_PROBLEMS_PER_BODY);
    expect(result.problems.every((p) => p.instancePath.startsWith("/data/"))).toBe(true);
  });
});

describe("validators compiled for a body", () => {
  // Ajv appends the errors of a `$ref` call by copying all errors so far (quadratic in the error
  // count); with the components inlined, no schema compiled for a body holds a `$ref`.
  it("inline every component $ref of the spec, so validation makes no copying calls", () => {
    const spec = loadSpec();
    const components = isObject(spec.raw.components) ? spec.raw.components.schemas : undefined;
    for (const op of spec.operations.values()) {
      for (const response of op.responses.values()) {
        for (const pointer of response.content.values()) {
          if (!pointer) continue;
          const schema = pointer
            .slice(1)
            .split("/")
            .reduce<unknown>((node, raw) => (isObject(node) ? node[raw.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined), spec.raw);
          expect(JSON.stringify(transformSchema(schema, "response", `#${pointer}`, components))).not.toContain("$ref");
        }
      }
    }
  });

  it("keep a $ref that would recurse", () => {
    const components = { Node: { type: "object", properties: { child: { $ref: "#/components/schemas/Node" } } } };
    const transformed = transformSchema({ $ref: "#/components/schemas/Node" }, "response", "#/x", components);
    expect(transformed).toEqual({ type: "object", properties: { child: { $ref: "urn:tenant-api:response#/definitions/Node" } } });
  });

  it("still name the spec location of a problem inside an inlined component", () => {
    const result = listOf([{ id: "x", name: "n", status: "deleted" }]);
    expect(result.problems[0]?.schemaPath).toBe("#/components/schemas/ResourceState/enum");
  });
});

describe("the nesting depth of a body", () => {
  it.each([
    ['{"data":[{"name":"x"}]}', 3],
    ['{"a":"[[[[{{{{"}', 1],
    ['["\\"[[", [[]]]', 3],
    ["not json at all", 0],
    [`${"[".repeat(100_000)}${"]".repeat(100_000)}`, 100_000],
  ])("of %s is %i, counted without parsing", (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it(`is at most ${MAX_JSON_DEPTH} for anything the transport parses`, () => {
    expect(MAX_JSON_DEPTH).toBeGreaterThanOrEqual(8);
  });
});
