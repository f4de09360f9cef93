/**
 * One root cause, one finding. A fingerprint names a finding across requests, checks and runs: the
 * operation, the status, the rule, the JSON pointer with array indexes and ids generalised
 * (`/data/3/status` and `/data/7/status` are one bad field) and what was expected. What was received
 * (`actual`) is left out on purpose: a wrong value that varies from run to run is still the same finding.
 *
 * A finding that generated input showed (it has an `inputClass`) is named by the check that generated the
 * input (whose operation it tests), the rule, the generalised pointer and that class, not by its status,
 * operation or expected value: those carry the generated
 * value, which changes with the seed ("2 new, 2 fixed" night after night for one bug, issue 26). Its
 * counterexample, seed and sequence stay in `actual` and the reproduction, as evidence.
 * Every other finding keeps the key it always had, so known-issues.json entries for them still match.
 */
import { createHash } from "node:crypto";
import type { Finding } from "./finding.js";
import type { Reproduction } from "./reproduce.js";

/** An array index, a UUID, or an item picked by id (`data[id=…]`, as the model-based run names list items). */
const INDEX_OR_ID = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const PICKED_BY_ID = /\[id=[^\]]*\]/g;

/** `/data/3/status` → `/data/*\/status`, `/data[id=…]/name` → `/data/*\/name`: indexes and ids become `*`. */
export function generalisePointer(pointer: string): string {
  return pointer
    .replace(PICKED_BY_ID, "/*")
    .split("/")
    .map((segment, index) => (index > 0 && INDEX_OR_ID.test(segment) ? "*" : segment))
    .join("/");
}

/**
 * A finding from generated input is keyed by the check that generated it rather than the operation of the
 * request that showed it: a model-based sequence diverges at a list, a get or a patch depending on the seed.
 */
export function fingerprintOf(
  f: Pick<Finding, "operationId" | "status" | "code" | "pointer" | "expected" | "inputClass" | "check">,
): string {
  const pointer = generalisePointer(f.pointer);
  const key =
    f.inputClass === undefined
      ? JSON.stringify([f.operationId, f.status ?? null, f.code, pointer, f.expected])
      : JSON.stringify(["generated", f.check ?? f.operationId, f.code, pointer, f.inputClass]);
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** A finding as the reports show it: one per fingerprint, with how often and where it was seen. */
export interface GroupedFinding
  extends Pick<Finding, "operationId" | "method" | "pathTemplate" | "status" | "schemaPath" | "expected" | "message"> {
  fingerprint: string;
  /** The rule id (the finding code). */
  rule: string;
  /** The generalised pointer. */
  pointer: string;
  /** What the first occurrence received. */
  actual: string;
  occurrences: number;
  /** The checks whose requests showed it, in the order first seen. */
  checks: string[];
  /** Reproduction of the first occurrence that has one. */
  reproduce?: Reproduction;
  /** The class of generated input that showed it (its fingerprint names this, not the value). */
  inputClass?: string;
}

/** Groups raw findings by fingerprint, keeping first-seen order. `checkOf` names the check a raw finding came from. */
export function groupFindings(raw: readonly { finding: Finding; check: string }[]): GroupedFinding[] {
  const groups = new Map<string, GroupedFinding>();
  for (const { finding: f, check } of raw) {
    const fingerprint = fingerprintOf(f);
    const seenIn = f.check ?? check;
    const group = groups.get(fingerprint);
    if (group) {
      group.occurrences += 1;
      if (!group.checks.includes(seenIn)) group.checks.push(seenIn);
      group.reproduce ??= f.reproduce;
      continue;
    }
    groups.set(fingerprint, {
      fingerprint,
      rule: f.code,
      operationId: f.operationId,
      method: f.method,
      pathTemplate: f.pathTemplate,
      ...(f.status === undefined ? {} : { status: f.status }),
      pointer: generalisePointer(f.pointer),
      ...(f.schemaPath === undefined ? {} : { schemaPath: f.schemaPath }),
      expected: f.expected,
      actual: f.actual,
      message: f.message,
      occurrences: 1,
      checks: [seenIn],
      ...(f.reproduce === undefined ? {} : { reproduce: f.reproduce }),
      ...(f.inputClass === undefined ? {} : { inputClass: f.inputClass }),
    });
  }
  return [...groups.values()];
}
