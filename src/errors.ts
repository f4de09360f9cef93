/**
 * Tool errors: "the run could not be made" (bad config, broken spec or pact file, unreachable host).
 * They are distinct from findings ("the API is wrong"), and map to exit code 2, never to 1.
 * Every error has a stable `code` that callers and tests match on, and a one-line message.
 */
export type ToolErrorCode =
  | "SPEC_UNREADABLE"
  | "SPEC_INVALID_JSON"
  | "SPEC_CONFLICT"
  | "SPEC_NO_FRAGMENTS"
  | "SPEC_UNKNOWN_OPERATION"
  | "CONFIG_INVALID"
  | "CONFIG_MISSING"
  | "TARGET_UNREACHABLE"
  | "PROXY_REFUSED"
  | "PACT_INVALID"
  | "JOURNAL_INVALID"
  | "JOURNAL_PENDING"
  | "JOURNAL_MISMATCH"
  | "TARGET_LOCKED"
  | "BROKER_CLI_FAILED"
  | "VERIFIER_FAILED"
  | "BASELINE_INVALID"
  | "KNOWN_ISSUES_INVALID"
  | "HISTORY_INVALID"
  | "STATE_DIR_UNUSABLE";

export class ToolError extends Error {
  override readonly name = "ToolError";
  readonly code: ToolErrorCode;

  constructor(code: ToolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_TOOL_ERROR = 2;
/** The org under test could not be restored, or its restoration not verified: a person must act. */
export const EXIT_NOT_RESTORED = 3;

/** One line for a human, never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof ToolError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`.split("\n")[0] ?? "error";
  return String(error);
}
