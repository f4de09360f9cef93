/**
 * A finding: "the API is wrong", as data. The live suite, the pact-vs-spec check and the reporters all
 * use this one shape, and `renderFinding` is the one place a finding becomes a line of text.
 */
import type { Problem, ValidationResult } from "../validation/problems.js";
import type { Reproduction } from "./reproduce.js";

export interface Finding {
  /** Stable identifier of the broken rule, e.g. `status-code`, `response-schema`, `patch-empty-body`. */
  code: string;
  operationId: string;
  method: string;
  /** The path template of the operation (`/api/v1/orgs/{org_id}`). */
  pathTemplate: string;
  /** The HTTP status received, when there was a response. */
  status?: number;
  /** JSON pointer into the body the finding is about ("" is the whole body). */
  pointer: string;
  /** JSON pointer into the spec, when a schema rule is involved. */
  schemaPath?: string;
  expected: string;
  actual: string;
  message: string;
  /** The check whose request showed it (for every-response rules: the check that sent the request). */
  check?: string;
  /** The request to send to see it again, what came back, and a curl command. */
  reproduce?: Reproduction;
  /**
   * Set on findings that generated input showed (the generated bodies, the model-based run): the class of
   * input and of failure, e.g. "a body the rules accept, carrying the field: stored otherwise". Their
   * status and expected value come from the random input, so the fingerprint names this class instead
   * (fingerprint.ts), and one bug keeps one fingerprint whatever the seed.
   */
  inputClass?: string;
}

export type FindingFields = Omit<Finding, "message"> & { message?: string };

/**
 * The most characters a finding's text field keeps. Server text reaches findings in many ways (a value,
 * a property name in a pointer, a header, an error message); the checks cut the values they quote, and
 * this is the net under all of them: a 450 KiB error code once made an 85 MB conformance.json, as
 * each finding is rendered several times in each report.
 */
export const MAX_FINDING_TEXT = 8192;

/** `text` cut to MAX_FINDING_TEXT characters (never inside a surrogate pair), saying how long it was. */
export function cutText(text: string, max = MAX_FINDING_TEXT): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}… (cut: ${text.length} characters in all)`;
}

export function finding(fields: FindingFields): Finding {
  const cut = { ...fields, pointer: cutText(fields.pointer), expected: cutText(fields.expected), actual: cutText(fields.actual) };
  return { ...cut, message: cutText(fields.message ?? `expected ${cut.expected}, got ${cut.actual}`) };
}

/** Findings for each problem of a failed validation, under the given rule code. */
export function findingsFromValidation(result: ValidationResult, code = "response-schema"): Finding[] {
  return result.problems.map((p: Problem) =>
    finding({
      code: p.code === "schema-violation" ? code : p.code,
      operationId: result.operationId,
      method: result.method,
      pathTemplate: result.pathTemplate,
      status: result.status,
      pointer: p.instancePath,
      schemaPath: p.schemaPath,
      expected: p.expected,
      actual: p.actual,
      message: p.message,
    }),
  );
}

/** `updateOrganization 200 /name: expected …, got … [patch-name-kept] (#/components/…)` */
export function renderFinding(f: Finding): string {
  const status = f.status === undefined ? "no response" : String(f.status);
  const schema = f.schemaPath ? ` (${f.schemaPath})` : "";
  return `${f.operationId} ${status} ${f.pointer || "/"}: expected ${f.expected}, got ${f.actual} [${f.code}]${schema}`;
}
