/**
 * Servers that compare the bearer token loosely: each takes a near-token (the owner's token in another
 * letter case, with its last character changed, or with characters glued to its end) for the token it
 * resembles. RFC 6750 makes a token an exact string, so every one of them must be 401.
 */
import { type ProviderRules, referenceRules } from "../../src/provider/rules.js";
import type { Fault } from "./fault-gallery.js";

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/** The reference's authentication with `matches` in place of an exact lookup of the issued token. */
function authenticateBy(matches: (sent: string, issued: string) => boolean): ProviderRules["authenticate"] {
  return (header, state) => {
    const sent = header?.match(BEARER)?.[1];
    if (sent === undefined || sent.startsWith("sk-nc-")) return referenceRules.authenticate(header, state);
    for (const [issued, userId] of state.accessTokens) if (matches(sent, issued)) return userId;
    return undefined;
  };
}

/** A hand-written comparison: `length` characters compared, one at a time (as a constant-time compare is written). */
function sameChars(sent: string, issued: string, length: number): boolean {
  let difference = 0;
  for (let at = 0; at < length; at += 1) difference |= (sent.charCodeAt(at) || 0) ^ issued.charCodeAt(at);
  return difference === 0;
}

const everyOp = (variant: string) =>
  ["listUserOrganizations", "getOrganization", "updateOrganization"].map((op) => `auth-${op}-${variant}-401`);

export const tokenFaults: Fault[] = [
  {
    name: "tokens are looked up with a case-insensitive collation",
    options: { rules: { authenticate: authenticateBy((sent, issued) => sent.toLowerCase() === issued.toLowerCase()) } },
    expect: everyOp("case-changed-token"),
  },
  {
    name: "the token comparison stops one character short (an off-by-one in a hand-written compare)",
    options: {
      rules: {
        authenticate: authenticateBy((sent, issued) => sent.length === issued.length && sameChars(sent, issued, issued.length - 1)),
      },
    },
    expect: everyOp("last-char-changed"),
  },
  {
    name: "the token comparison covers only the issued token's length, so anything may follow it",
    options: { rules: { authenticate: authenticateBy((sent, issued) => sameChars(sent, issued, issued.length)) } },
    expect: everyOp("appended-chars"),
  },
];
