/**
 * A baseline is the conformance.json of an earlier run: its `findings[].fingerprint` say which
 * findings were already there. Compared with it, a finding of this run is `new` or `unchanged`, and
 * a baseline finding this run no longer shows is `fixed`.
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
}

export interface Baseline {
  path: string;
  findings: BaselineFinding[];
}

export function loadBaseline(path: string): Baseline {
  const report = readJsonFile(path, "baseline", { unreadable: "BASELINE_INVALID", invalid: "BASELINE_INVALID" }) as {
    findings?: unknown;
  } | null;
  const findings = report?.findings;
  if (!Array.isArray(findings) || !findings.every(isBaselineFinding)) {
    throw new ToolError(
      "BASELINE_INVALID",
      `baseline ${path} has no findings array with fingerprints (give the conformance.json of an earlier run of this version)`,
    );
  }
  return { path, findings };
}

function isBaselineFinding(value: unknown): value is BaselineFinding {
  const f = value as Partial<BaselineFinding> | null;
  return typeof f?.fingerprint === "string" && typeof f.rule === "string" && typeof f.operationId === "string";
}
