/**
 * The PATCH body rules: what must be refused with 400 (and change nothing), and what must be
 * applied exactly as sent. Lengths are in Unicode code points, so each boundary is tried with
 * ASCII, 2-byte and astral characters: a server counting bytes or UTF-16 units fails one of them.
 */
import type { Organization } from "../../spec/types.js";
import { preview } from "../../validation/problems.js";
import type { Check } from "../check.js";
import { describeValue, type PatchBody } from "../context.js";
import { forgedReadOnlyValues } from "../safety/snapshot.js";
import { appliedPatch, expectField, RESPONSE_EQUALS_GET, readOrg, refusedPatch } from "./patch-support.js";

const write = { operationId: "updateOrganization", phase: "write", requires: ["org", "writes"] } as const;

const rejected: { id: string; title: string; body: PatchBody }[] = [
  { id: "patch-empty-body", title: "an empty object", body: { json: {} } },
  { id: "patch-empty-name", title: `an empty name`, body: { json: { name: "" } } },
  {
    id: "patch-empty-name-with-description",
    title: "an empty name and a description",
    body: { json: { name: "", description: "conformance" } },
  },
  { id: "patch-name-null", title: "a null name", body: { json: { name: null } } },
  { id: "patch-name-number", title: "a numeric name", body: { json: { name: 42 } } },
  { id: "patch-name-array", title: "an array as name", body: { json: { name: ["conformance"] } } },
  { id: "patch-description-number", title: "a numeric description", body: { json: { description: 7 } } },
  { id: "patch-name-101-ascii", title: "a name of 101 ASCII characters", body: { json: { name: "n".repeat(101) } } },
  { id: "patch-name-101-two-byte", title: "a name of 101 two-byte characters", body: { json: { name: "é".repeat(101) } } },
  { id: "patch-name-101-astral", title: "a name of 101 astral characters", body: { json: { name: "😀".repeat(101) } } },
  { id: "patch-malformed-json", title: "malformed JSON", body: { raw: '{"name": "unterminated' } },
  { id: "patch-array-body", title: "a JSON array body", body: { json: [{ name: "conformance" }] } },
  { id: "patch-string-body", title: "a JSON string body", body: { json: "conformance" } },
  { id: "patch-null-body", title: "a JSON null body", body: { raw: "null" } },
];

const rejectionChecks: Check[] = rejected.map(
  ({ id, title, body }): Check => ({
    ...write,
    id,
    title: `Updating an organization with ${title} returns 400 and changes nothing`,
    refusedOnly: true,
    run: async (ctx) => {
      await refusedPatch(ctx, { body, allowed: [400] });
    },
  }),
);

const longNames: { id: string; title: string; name: string }[] = [
  { id: "patch-name-100-ascii", title: "ASCII", name: `${"Conformance ".repeat(8)}${"n".repeat(4)}` },
  { id: "patch-name-100-two-byte", title: "two-byte", name: "é".repeat(100) },
  { id: "patch-name-100-astral", title: "astral", name: "😀".repeat(100) },
];

const longNameChecks: Check[] = longNames.map(
  ({ id, title, name }): Check => ({
    ...write,
    id,
    title: `Updating an organization with a name of 100 ${title} characters returns 200 and stores it exactly`,
    run: async (ctx) => expectField(ctx, await appliedPatch(ctx, { name }), "name", name),
  }),
);

/**
 * The description has no documented maximum (the request schema gives it none), so long ones are
 * accepted and stored exactly: a hand-written check at 1,000 and 10,000 characters, not only when a
 * generated body happens to be long. Plain ASCII text, so a character is one code point and one byte.
 */
const longDescriptions: { id: string; title: string; length: number }[] = [
  { id: "patch-description-1000-stored", title: "1,000", length: 1_000 },
  { id: "patch-description-10000-stored", title: "10,000", length: 10_000 },
];

/** Readable text of exactly `length` characters, numbered so a cut or a repeat shows where it happened. */
export function longDescription(length: number): string {
  let text = "";
  for (let n = 1; text.length < length; n += 1) text += `Conformance description sentence ${n}. `;
  return text.slice(0, length);
}

const longDescriptionChecks: Check[] = longDescriptions.map(
  ({ id, title, length }): Check => ({
    ...write,
    id,
    title: `Updating an organization with a description of ${title} characters returns 200 and stores it exactly`,
    run: async (ctx) => {
      const description = longDescription(length);
      const applied = await appliedPatch(ctx, { description });
      // Stored exactly but answered otherwise is the response's own rule (patch-response-equals-get).
      const stored = applied.after?.description === description;
      const shown = [
        [applied.updated, "", stored ? RESPONSE_EQUALS_GET : undefined],
        [applied.after, "in a following GET: ", undefined],
      ] as const;
      for (const [org, where, code] of shown) {
        if (org === undefined || org.description === description) continue;
        const actual = differenceFrom(description, org.description);
        ctx.fail(applied.response, { pointer: "/description", expected: `${where}the ${title} characters sent, exactly`, actual, code });
      }
    },
  }),
);

/** How a long text came back: its length and where it starts to differ (a preview of 10,000 characters shows neither). */
function differenceFrom(sent: string, got: unknown): string {
  if (typeof got !== "string") return describeValue(got);
  const [want, have] = [[...sent], [...got]];
  const at = want.findIndex((char, index) => have[index] !== char);
  const from = at === -1 ? want.length : at;
  return `${have.length} characters, differing from character ${from + 1} on: ${preview(have.slice(from).join(""))}`;
}

const appliedChecks: Check[] = [
  {
    ...write,
    id: "patch-description-empty-clears",
    title: "Updating an organization with an empty description clears it",
    async run(ctx) {
      await appliedPatch(ctx, { description: "conformance: to be cleared" });
      const cleared = await appliedPatch(ctx, { description: "" });
      const isCleared = (org: { description?: string }) => org.description === undefined || org.description === "";
      // Cleared in storage but still shown in the response is the response's rule (patch-response-equals-get).
      const storedCleared = cleared.after !== undefined && isCleared(cleared.after);
      for (const [org, where] of [
        [cleared.updated, ""],
        [cleared.after, "in a following GET: "],
      ] as const) {
        if (org !== undefined && !isCleared(org)) {
          const code = org === cleared.updated && storedCleared ? RESPONSE_EQUALS_GET : undefined;
          ctx.expectValue(cleared.response, "/description", org.description, "", `${where}absent or `, code);
        }
      }
    },
  },
  {
    ...write,
    id: "patch-name-only-keeps-description",
    title: "Updating only the name keeps the description",
    async run(ctx) {
      const description = "conformance: kept while the name changes";
      await appliedPatch(ctx, { description });
      expectField(ctx, await appliedPatch(ctx, { name: "Conformance name-only" }), "description", description);
    },
  },
  {
    ...write,
    id: "patch-description-only-keeps-name",
    title: "Updating only the description keeps the name",
    async run(ctx) {
      const name = "Conformance description-only";
      await appliedPatch(ctx, { name });
      expectField(ctx, await appliedPatch(ctx, { description: "conformance: only the description" }), "name", name);
    },
  },
  {
    ...write,
    id: "patch-response-equals-get",
    title: "The 200 response of an update equals what a following GET returns",
    async run(ctx) {
      const applied = await appliedPatch(ctx, { name: "Conformance response", description: "conformance: response equals GET" });
      if (applied.updated && applied.after) ctx.expectValue(applied.response, "", applied.updated, applied.after, "the following GET: ");
    },
  },
  {
    ...write,
    id: "patch-read-only-fields-ignored",
    title: "id, status and referral_code in an update body are not applied",
    async run(ctx) {
      const before = await readOrg(ctx);
      if (before === undefined) return;
      // Values that differ from the org's own, or a server applying them would go unnoticed; the
      // restore can undo each (it sends the snapshot's values back and looks for the org at the forged id).
      const forged = { name: before.name, ...forgedReadOnlyValues(before) };
      const response = await ctx.patch(ctx.orgId, { json: forged });
      if (!ctx.expectStatus(response, [200, 400]) || !ctx.usable(response)) return;
      const after = await readOrg(ctx);
      for (const field of ["id", "status", "referral_code"] as const) {
        if (response.status === 200)
          ctx.expectValue(response, `/${field}`, (response.body as Organization)[field], before[field], "unchanged ");
        if (after) ctx.expectValue(response, `/${field}`, after[field], before[field], "unchanged in a following GET: ");
      }
    },
  },
  {
    ...write,
    id: "patch-unknown-properties-ignored",
    title: "Unknown properties in an update body are ignored",
    async run(ctx) {
      const name = "Conformance unknown-properties";
      const applied = await appliedPatch(ctx, { name, "x-conformance-unknown": { nested: true }, colour: "blue" });
      expectField(ctx, applied, "name", name);
      if (applied.updated && "colour" in applied.updated) {
        ctx.fail(applied.response, { pointer: "/colour", expected: "unknown property not stored", actual: "echoed back" });
      }
    },
  },
];

export const patchRuleChecks: Check[] = [...rejectionChecks, ...longNameChecks, ...longDescriptionChecks, ...appliedChecks];
