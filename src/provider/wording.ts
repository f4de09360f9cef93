/**
 * Every free text the reference provider sends: error codes and messages. The docs ask only for "a
 * short, machine-readable error code" and "a descriptive error message" (the suite's error-body-text
 * rule: one token, not blank), so the wording itself is a freedom. It lives here, in one table outside
 * the files Stryker mutates (stryker.config.json), because a mutant that rewords a message is one
 * no conformance check can or should notice.
 */

export interface ErrorWording {
  code: string;
  message: string;
}

const BY_STATUS: Record<number, ErrorWording> = {
  400: { code: "invalid_request", message: "The request is invalid." },
  401: { code: "unauthorized", message: "Missing or invalid authentication token." },
  403: { code: "forbidden", message: "Insufficient permissions." },
  404: { code: "not_found", message: "Organization not found." },
  405: { code: "method_not_allowed", message: "Method not allowed." },
  500: { code: "internal_error", message: "Internal server error." },
};

/** Messages more precise than the status's own. */
export const MESSAGES = {
  noOrganizations: "No organizations found.",
  invalidOrgId: "Invalid organization ID format.",
  atLeastOneField: "At least one of name or description must be provided.",
} as const;

/** The code and message of an error answer with `status` (a gallery fault may answer any status). */
export function errorWording(status: number, message?: string): ErrorWording {
  const wording = BY_STATUS[status] ?? { code: `http_${status}`, message: `HTTP status ${status}.` };
  return message === undefined ? wording : { ...wording, message };
}
