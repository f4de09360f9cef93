/**
 * The rule register (register.json, committed data): every sentence of the docs, the rules it states,
 * and for each rule how it is enforced. A rule's id is the `code` of the findings that break it, so a
 * finding in any report names its rule. Enforcement is exactly one of:
 * - `checks`: the catalog checks that raise findings under this rule's id;
 * - `everyResponse`: the inspection every response gets (src/conformance/inspect.ts), in every check;
 * - `runner`: the runner itself (a crashing check, the restore after the writes);
 * - `planned`: not enforced yet, with what it needs (a persona, an invariant);
 * - `uncheckable`: why it cannot be checked from outside.
 * Sentences are extracted from the spec by code (sentences.ts); `registerDrift` says where the
 * register and the docs or the catalog no longer agree, and the unit test fails on any of it.
 */
import { createAjv } from "../validation/ajv.js";
import data from "./register.json" with { type: "json" };
import schema from "./register.schema.json" with { type: "json" };
import type { Sentence } from "./sentences.js";

export type RuleKind = "schema" | "behaviour" | "invariant" | "uncheckable" | "suite";

export interface Rule {
  id: string;
  kind: RuleKind;
  /** The rule as a sentence; absent when the rule is a catalog check (the check's title says it). */
  title?: string;
  /** Where a rule no docs sentence states comes from (HTTP, OpenAPI, the suite's own promises). */
  basis?: string;
  checks?: string[];
  everyResponse?: true;
  runner?: true;
  planned?: string;
  uncheckable?: string;
}

export interface SentenceEntry {
  id: string;
  text: string;
  rules: string[];
}

export interface Register {
  sentences: SentenceEntry[];
  rules: Rule[];
}

export const register = data as Register;

export type Enforcement = "checks" | "every-response" | "runner" | "planned" | "uncheckable";

export function enforcementOf(rule: Rule): Enforcement {
  if (rule.checks) return "checks";
  if (rule.everyResponse) return "every-response";
  if (rule.runner) return "runner";
  return rule.planned !== undefined ? "planned" : "uncheckable";
}

/** A rule the suite can raise findings for today. */
export function isEnforced(rule: Rule): boolean {
  const how = enforcementOf(rule);
  return how !== "planned" && how !== "uncheckable";
}

/** Structural problems of a register file against register.schema.json, as lines of text. */
export function schemaProblems(candidate: unknown): string[] {
  const validate = createAjv().compile(schema);
  if (validate(candidate)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword}`);
}

export interface Drift {
  /** Docs sentences the register has no entry for: add them, with their rules. */
  unregistered: Sentence[];
  /** Register entries whose sentence is gone from the docs. */
  stale: SentenceEntry[];
  /** Entries whose sentence is still there but reads differently now. */
  changed: { entry: SentenceEntry; now: string }[];
  /** Rule ids named by a sentence but not defined. */
  undefinedRules: string[];
  /** Rules defined twice. */
  duplicateRules: string[];
  /** Rules neither stated by a sentence nor given a basis. */
  groundless: string[];
  /** Check ids a rule names that the catalog does not have. */
  unknownChecks: string[];
  /** Catalog checks no rule names. */
  unmappedChecks: string[];
  /** Rules without a title that are not named after a catalog check. */
  untitled: string[];
}

export function registerDrift(reg: Register, sentences: readonly Sentence[], catalogIds: readonly string[]): Drift {
  const entries = new Map(reg.sentences.map((entry) => [entry.id, entry]));
  const current = new Map(sentences.map((sentence) => [sentence.id, sentence]));
  const ruleIds = reg.rules.map((rule) => rule.id);
  const defined = new Set(ruleIds);
  const stated = new Set(reg.sentences.flatMap((entry) => entry.rules));
  const checks = new Set(catalogIds);
  const named = new Set(reg.rules.flatMap((rule) => rule.checks ?? []));
  return {
    unregistered: sentences.filter((sentence) => !entries.has(sentence.id)),
    stale: reg.sentences.filter((entry) => !current.has(entry.id)),
    changed: reg.sentences.flatMap((entry) => {
      const now = current.get(entry.id)?.text;
      return now !== undefined && now !== entry.text ? [{ entry, now }] : [];
    }),
    undefinedRules: [...stated].filter((id) => !defined.has(id)),
    duplicateRules: ruleIds.filter((id, index) => ruleIds.indexOf(id) !== index),
    groundless: reg.rules.filter((rule) => !stated.has(rule.id) && rule.basis === undefined).map((rule) => rule.id),
    unknownChecks: [...named].filter((id) => !checks.has(id)),
    unmappedChecks: catalogIds.filter((id) => !named.has(id)),
    untitled: reg.rules.filter((rule) => rule.title === undefined && !checks.has(rule.id)).map((rule) => rule.id),
  };
}
