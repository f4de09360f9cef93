/**
 * A check: one named rule of the contract, one function. Its `requires` say what it needs to run;
 * a check whose needs are not met is skipped with the reason, never reported as passed.
 */
import type { OperationId } from "../spec/types.js";
import type { CheckContext } from "./context.js";
import type { Target } from "./target.js";

export type Requirement = "org" | "member" | "outsider" | "foreign" | "writes" | "admin" | "foreignOwner";

export interface Check {
  /** Stable id, also the `code` of the findings it raises: `patch-empty-body`. */
  id: string;
  /** The rule as a sentence of the contract. */
  title: string;
  operationId: OperationId;
  /**
   * `read` checks send only GETs and may run concurrently; `write` checks run alone, in order;
   * `final` checks (the invariants over every answer collected) run last, after the restore.
   */
  phase: "read" | "write" | "final";
  requires: readonly Requirement[];
  /** Every PATCH it sends changes nothing on a correct API (refused, or applied with the org's own name): the request plan may batch it (plan.ts). */
  refusedOnly?: boolean;
  /**
   * With `refusedOnly`: its PATCH may also be applied (a freedom of the docs), with a body that changes
   * nothing. It runs after every other refusal check, and its probe goes alone after the batch's others,
   * so the order a server sees is the same as one request at a time (a server that reuses the last
   * caller's permission decision answers alike).
   */
  mayBeApplied?: boolean;
  /**
   * It sends credentials the API must refuse (a near-token, a broken header). Some gateways lock an
   * account after a few of those, so the runner sends these probes when nothing is left to restore: after
   * the restore and the invariants, then checks a good token again (runner.ts, badCredentialProbes).
   */
  badCredentials?: boolean;
  /**
   * Requests it needs in flight at once to judge anything (two racing PATCHes, say). With a lower
   * --concurrency it still sends its requests, one after the other, but cannot judge: the header announces
   * it as skipped for what the settings lack, as it does a missing persona (runner.ts `announcedSkips`).
   */
  inFlight?: number;
  run(ctx: CheckContext): Promise<void>;
}

/** Thrown by a check that finds, once running, that it has nothing to judge: reported as skipped. */
export class CheckSkipped extends Error {}

export function skipReason(check: Check, target: Target): string | undefined {
  for (const need of check.requires) {
    const reason = unmet(need, target);
    if (reason) return reason;
  }
  return undefined;
}

function unmet(need: Requirement, target: Target): string | undefined {
  switch (need) {
    case "org":
      return target.orgId === undefined ? "no organization to test (set TENANT_API_ORG_ID or fix the list)" : undefined;
    case "member":
      return target.tokens.member === undefined ? "no member persona (set TENANT_API_MEMBER_TOKEN)" : undefined;
    case "outsider":
      return target.tokens.outsider === undefined ? "no outsider persona (set TENANT_API_OUTSIDER_TOKEN)" : undefined;
    case "foreign":
      return target.foreignOrgId === undefined ? "no foreign organization (set TENANT_API_FOREIGN_ORG_ID to a test org)" : undefined;
    case "writes":
      return target.writesDenied;
    case "admin":
      return target.tokens.admin === undefined
        ? "no admin persona (set TENANT_API_ADMIN_TOKEN to an admin who is not the owner)"
        : undefined;
    case "foreignOwner":
      return target.foreignOrgId === undefined || target.tokens.foreignOwner === undefined
        ? "no owner of the foreign organization (set TENANT_API_FOREIGN_ORG_ID and TENANT_API_FOREIGN_TOKEN)"
        : undefined;
  }
}
