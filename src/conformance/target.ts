/**
 * What the suite runs against: the embedded reference provider or a live deploy, with the personas
 * and ids it may use, and whether it may write. Built once per run, read by every check.
 */
import { randomBytes, randomUUID } from "node:crypto";

export interface Target {
  baseUrl: string;
  embedded: boolean;
  tokens: {
    owner: string;
    member?: string;
    outsider?: string;
    /** An admin of the org who is not its owner. */
    admin?: string;
    /** The owner of the foreign org: reads it before and after a refused write. */
    foreignOwner?: string;
    inferenceKey: string;
  };
  /** The organization the suite reads and, when allowed, edits; undefined when none could be found. */
  orgId?: string;
  foreignOrgId?: string;
  missingOrgId?: string;
  invalidOrgId: string;
  /** Undefined when PATCH is allowed; otherwise why not (every PATCH check is skipped with it). */
  writesDenied?: string;
}

export const DEFAULT_INVALID_ORG_ID = "not-an-id";

/** An id shaped like `realId` that almost surely does not exist (same prefix, alphabet and length). */
export function deriveMissingId(realId: string | undefined): string {
  if (realId === undefined || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(realId)) return randomUUID();
  if (/^\d+$/.test(realId)) return String(10n ** BigInt(Math.max(realId.length, 12)) - 7n);
  const match = /^(.*?[_-])?([0-9A-Za-z]+)$/.exec(realId);
  if (!match) return randomUUID();
  const [, prefix = "", tail = ""] = match;
  const hexOnly = /^[0-9a-f]+$/.test(tail);
  const alphabet = hexOnly ? "0123456789abcdef" : "0123456789abcdefghijklmnopqrstuvwxyz";
  const bytes = randomBytes(tail.length);
  const fresh = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join("");
  return `${prefix}${fresh}`;
}
