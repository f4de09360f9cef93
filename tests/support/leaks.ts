/**
 * Finds pieces of tokens in a text, independently of src/redaction.ts (a test that reused the
 * redactor's own needles could not catch a form the redactor forgot).
 */

/** The bound of issue 8, item 11: no piece this long of a token may appear. */
export const PIECE = 12;

type Encode = (text: string) => string;

const ENCODERS: Record<string, Encode> = {
  json: (t) => JSON.stringify(t).slice(1, -1),
  html: (t) => t.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;"),
  percent: encodeURIComponent,
  form: (t) => new URLSearchParams({ t }).toString().slice(2),
};

const hex2 = (n: number) => n.toString(16).padStart(2, "0");
const utf16be = (t: string) => Buffer.from(t, "utf16le").swap16();

/** Encodings that spell out every character or byte (issue 18: the forms that still leaked). */
export const SPELLED: Record<string, Encode> = {
  "percent every byte": (t) => [...Buffer.from(t)].map((b) => `%${hex2(b).toUpperCase()}`).join(""),
  "json \\uXXXX": (t) => [...t].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  "html &#NNN;": (t) => [...t].map((c) => `&#${c.codePointAt(0)};`).join(""),
  "html &#xHH;": (t) => [...t].map((c) => `&#x${(c.codePointAt(0) ?? 0).toString(16)};`).join(""),
  hex: (t) => Buffer.from(t).toString("hex"),
  "HEX upper": (t) => Buffer.from(t).toString("hex").toUpperCase(),
  "\\xHH": (t) => [...Buffer.from(t)].map((b) => `\\x${hex2(b)}`).join(""),
  "utf-16le hex": (t) => Buffer.from(t, "utf16le").toString("hex"),
  "utf-16be hex": (t) => utf16be(t).toString("hex"),
  "utf-16le base64": (t) => Buffer.from(t, "utf16le").toString("base64"),
  "utf-16be base64": (t) => utf16be(t).toString("base64"),
  reversed: (t) => [...t].reverse().join(""),
};

/** Every form a piece may take: as is, base64, each encoding, each pair (e.g. HTML of JSON), each spelled-out form. */
export const FORMS: [string, Encode][] = [
  ["raw", (t) => t],
  ["base64", (t) => Buffer.from(t).toString("base64")],
  ...Object.entries(ENCODERS),
  ...Object.entries(ENCODERS).flatMap(([outer, f]) =>
    Object.entries(ENCODERS).map(([inner, g]): [string, Encode] => [`${outer}(${inner})`, (t) => f(g(t))]),
  ),
  ...Object.entries(SPELLED),
  // As the reports render them: JSON (conformance.json) and HTML (report.html, junit.xml).
  ...Object.entries(SPELLED).flatMap(([name, f]): [string, Encode][] => [
    [`json(${name})`, (t) => ENCODERS.json?.(f(t)) ?? ""],
    [`html(${name})`, (t) => ENCODERS.html?.(f(t)) ?? ""],
  ]),
];

/** Each PIECE-character piece of a token found in `output`, in any letter case, in any of the forms. */
export function tokenLeaks(output: string, tokens: string[]): string[] {
  const haystack = output.toLowerCase();
  const found: string[] = [];
  for (const token of tokens) {
    for (let start = 0; start + PIECE <= token.length; start += 1) {
      for (const [name, encode] of FORMS) {
        const needle = encode(token.slice(start, start + PIECE)).toLowerCase();
        if (haystack.includes(needle)) found.push(`${name} ${needle}`);
      }
    }
  }
  return found;
}
