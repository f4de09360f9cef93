/**
 * One root cause, one finding. A fingerprint names a finding across requests, checks and runs: the
 * operation, the status, the rule, the JSON pointer with array indexes generalised (`/data/3/status`
 * and `/data/7/status` are one bad field) and what was expected. What was received (`actual`) is
 * left out on purpose: a wrong value that varies from run to run is still the same finding.
 */
import { createHash } from "node:crypto";
import type { Finding } from "./finding.js";
import type { Reproduction } from "./reproduce.js";

/** `/data/3/status` → `/data/*\/status`: array indexes (all-digit segments) become `*`. */
export function generalisePointer(pointer: string): string {
  return pointer
    .split("/")
    .map((segment, index) => (index > 0 && /^\d+$/.test(segment) ? "*" : segment))
    .join("/");
}

export function fingerprintOf(f: Pick<Finding, "operationId" | "status" | "code" | "pointer" | "expected">): string {
  const key = JSON.stringify([f.operationId, f.status ?? null, f.code, generalisePointer(f.pointer), f.expected]);
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
    });
  }
  return [...groups.values()];
}
