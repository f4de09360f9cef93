import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import type { TransportFailureKind } from "../../src/http/transport.js";
import { isEnforced, type Register, register, registerDrift, schemaProblems } from "../../src/rules/register.js";
import { extractSentences, normaliseMarkdown, splitSentences } from "../../src/rules/sentences.js";
import { loadSpec } from "../../src/spec/document.js";
import type { ProblemCode } from "../../src/validation/problems.js";

const sentences = extractSentences(loadSpec().raw);
const catalogIds = catalog.map((check) => check.id);
const drift = registerDrift(register, sentences, catalogIds);
const ruleIds = new Set(register.rules.map((rule) => rule.id));

describe("sentences of the docs", () => {
  it("are every summary and description of the spec, markdown removed, one per sentence", () => {
    expect(sentences.length).toBeGreaterThan(40);
    expect(sentences.find((s) => s.id === "/components/securitySchemes/BearerAuth/description#1")?.text).toBe(
      "Use the access_token from POST /api/v1/auth/login (same credentials as the console).",
    );
    expect(new Set(sentences.map((s) => s.id)).size).toBe(sentences.length);
  });

  it("normalise emphasis and code marks and split on sentence ends", () => {
    expect(normaliseMarkdown("Use the **`token`**,\n  not __that__.")).toBe("Use the token, not that.");
    expect(splitSentences("Optional; one is needed. When name is provided it cannot be empty.")).toEqual([
      "Optional; one is needed.",
      "When name is provided it cannot be empty.",
    ]);
  });
});

describe("the rule register", () => {
  it("has the structure register.schema.json describes", () => {
    expect(schemaProblems(register)).toEqual([]);
    expect(schemaProblems({ sentences: [], rules: [{ id: "x", kind: "behaviour", planned: "a", uncheckable: "b" }] })).not.toEqual([]);
  });

  it("has an entry for every sentence of the docs", () => {
    expect(drift.unregistered.map((s) => `${s.id}: ${s.text}`)).toEqual([]);
  });

  it("names no sentence that is gone from the docs, and each entry reads as the docs do now", () => {
    expect(drift.stale.map((e) => `${e.id}: ${e.text}`)).toEqual([]);
    expect(drift.changed.map(({ entry, now }) => `${entry.id}: was "${entry.text}", now "${now}"`)).toEqual([]);
  });

  it("defines every rule a sentence names, once, each stated by a sentence or given a basis", () => {
    expect(drift.undefinedRules).toEqual([]);
    expect(drift.duplicateRules).toEqual([]);
    expect(drift.groundless).toEqual([]);
    expect(drift.untitled).toEqual([]);
  });

  it("names only checks of the catalog, and every check of the catalog enforces a rule", () => {
    expect(drift.unknownChecks).toEqual([]);
    expect(drift.unmappedChecks).toEqual([]);
  });

  it("tells a new sentence, a removed one and a reworded one apart, naming each", () => {
    const [first, second, ...rest] = register.sentences;
    if (!first || !second) throw new Error("the register has no sentences");
    const edited: Register = {
      rules: register.rules,
      sentences: [{ ...second, text: "Reworded." }, ...rest, { id: "/paths/gone#1", text: "Gone.", rules: ["docs-heading"] }],
    };
    const found = registerDrift(edited, sentences, catalogIds);
    expect(found.unregistered.map((s) => s.id)).toEqual([first.id]);
    expect(found.stale.map((e) => e.id)).toEqual(["/paths/gone#1"]);
    expect(found.changed.map(({ entry }) => entry.id)).toEqual([second.id]);
  });

  it("pins the rules not enforced yet, so enforcing or adding one is a reviewable diff", () => {
    const unenforced = register.rules
      .filter((rule) => !isEnforced(rule))
      .map((rule) => `${rule.id}: ${rule.planned ? "planned" : "uncheckable"}`);
    expect(unenforced.sort()).toEqual([
      "direction-violation: uncheckable",
      "docs-heading: uncheckable",
      "docs-ui-instruction: uncheckable",
      "error-text-quality: uncheckable",
      "list-403-not-causable: uncheckable",
      "list-pagination: uncheckable",
      "server-error-500: uncheckable",
      "server-is-gateway: uncheckable",
      "token-from-login: uncheckable",
      "token-shared-with-ai-services: uncheckable",
    ]);
  });
});

describe("every finding code is a rule id of the register", () => {
  // Records keyed by the union types: a new problem code or transport failure fails typecheck until listed here.
  const problemCodes: Record<Exclude<ProblemCode, "schema-violation">, true> = {
    "undocumented-status": true,
    "undocumented-media-type": true,
    "missing-content-type": true,
    "body-not-json": true,
    "direction-violation": true,
  };
  const transportKinds: Record<TransportFailureKind, true> = {
    timeout: true,
    unreachable: true,
    connection: true,
    "body-too-large": true,
    "body-too-deep": true,
    aborted: true,
  };

  it("covers the catalog's check ids, the validators' problem codes (schema-violation is response-schema) and transport failures", () => {
    const codes = [...catalogIds, "response-schema", ...Object.keys(problemCodes), ...Object.keys(transportKinds)];
    expect(codes.filter((code) => !ruleIds.has(code))).toEqual([]);
  });

  it("covers every literal code a check, the inspection or the runner raises", () => {
    const literal = /\bcode: "([a-z0-9-]+)"/g;
    const codes = sourceFiles(join(import.meta.dirname, "../../src/conformance")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(literal)].map((match) => match[1] ?? ""),
    );
    expect(codes.length).toBeGreaterThan(3);
    expect([...new Set(codes)].filter((code) => !ruleIds.has(code))).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}
