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

/** Every form a piece may take: as is, base64, each encoding, and each pair (e.g. HTML of JSON). */
export const FORMS: [string, Encode][] = [
  ["raw", (t) => t],
  ["base64", (t) => Buffer.from(t).toString("base64")],
  ...Object.entries(ENCODERS),
  ...Object.entries(ENCODERS).flatMap(([outer, f]) =>
    Object.entries(ENCODERS).map(([inner, g]): [string, Encode] => [`${outer}(${inner})`, (t) => f(g(t))]),
  ),
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
