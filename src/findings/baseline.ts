/**
 * A baseline is the conformance.json of an earlier run: its `findings[].fingerprint` say which
 * findings were already there. Compared with it, a finding of this run is `new` or `unchanged`; a
 * baseline finding this run no longer shows is `fixed` only when the checks that showed it ran again
 * (triage.ts), else `notRechecked`. The baseline's own `notRechecked` findings are carried on as
 * baseline findings, so a rolling baseline never forgets a finding whose check did not run one night.
 */
import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";

export interface BaselineFinding {
  fingerprint: string;
  rule: string;
  operationId: string;
  status?: number;
  pointer: string;
  expected: string;
  /** The checks whose requests showed it (absent in a hand-made baseline: then the check named like its rule). */
  checks?: string[];
}

export interface Baseline {
  path: string;
  findings: BaselineFinding[];
}

export function loadBaseline(path: string): Baseline {
  const report = readJsonFile(path, "baseline", { unreadable: "BASELINE_INVALID", invalid: "BASELINE_INVALID" }) as {
    findings?: unknown;
    notRechecked?: unknown;
  } | null;
  const findings = report?.findings;
  const carried = report?.notRechecked ?? [];
  if (!Array.isArray(findings) || !findings.every(isBaselineFinding) || !Array.isArray(carried) || !carried.every(isBaselineFinding)) {
    throw new ToolError(
      "BASELINE_INVALID",
      `baseline ${path} has no findings array with fingerprints (give the conformance.json of an earlier run of this version)`,
    );
  }
  const seen = new Set(findings.map((f) => f.fingerprint));
  return { path, findings: [...findings, ...carried.filter((f) => !seen.has(f.fingerprint))] };
}

function isBaselineFinding(value: unknown): value is BaselineFinding {
  const f = value as Partial<BaselineFinding> | null;
  const checks = f?.checks === undefined || (Array.isArray(f.checks) && f.checks.every((id) => typeof id === "string"));
  return typeof f?.fingerprint === "string" && typeof f.rule === "string" && typeof f.operationId === "string" && checks;
}
