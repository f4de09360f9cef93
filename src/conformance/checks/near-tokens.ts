/**
 * Near-tokens: the owner's token changed in letter case, in its last character, or with characters glued
 * to its end. RFC 6750 §2.1 makes a bearer token an exact string (b64token), so none of them is a token the
 * API issued: each must be 401. Servers get this wrong with a case-insensitive collation on the token
 * column, a hand-written comparison that stops one character short, or one that compares only as many
 * characters as the stored token has (so anything may follow it).
 *
 * No near-token reaches an output: the run's Redactor removes every 12-character piece of a known token in
 * any letter case, and reproductions pass the request through it too (src/findings/reproduce.ts).
 */
import { CheckSkipped } from "../check.js";
import type { CheckContext } from "../context.js";
import type { Variant } from "./auth.js";

/** The token with every letter's case swapped; a token without letters has no such twin. */
export function caseChanged(token: string): string | undefined {
  const swapped = [...token].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
  return swapped === token ? undefined : swapped;
}

/** The token with its last character replaced by another of the same kind (the header stays a well-formed b64token). */
export function lastCharacterChanged(token: string): string {
  const last = token.at(-1) ?? "";
  // The next digit or letter of the same case; "9", "z" wrap around; "Z" and the marks (- . _ ~ + / =) become "A".
  const next = /[0-8a-yA-Y]/.test(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last === "9" ? "0" : last === "z" ? "a" : "A";
  return `${token.slice(0, -1)}${next}`;
}

/** Characters appended without a space (a b64token may not carry a space, so this is one token). */
export const APPENDED = "0A";

export function nearTokenVariants(token: (ctx: CheckContext) => string): Variant[] {
  return [
    {
      id: "case-changed-token",
      title: "with the token in swapped letter case",
      authorization: (ctx) => {
        const near = caseChanged(token(ctx));
        if (near === undefined) throw new CheckSkipped("the token has no letters, so no token differs from it only in case");
        return `Bearer ${near}`;
      },
    },
    {
      id: "last-char-changed",
      title: "with the token's last character changed",
      authorization: (ctx) => `Bearer ${lastCharacterChanged(token(ctx))}`,
    },
    {
      id: "appended-chars",
      title: "with characters appended to the token without a space",
      authorization: (ctx) => `Bearer ${token(ctx)}${APPENDED}`,
    },
  ];
}
