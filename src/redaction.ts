/**
 * Secrets never reach an output. A Redactor knows every token of the run and removes them twice:
 *
 * 1. From the data, where it enters the run: the transport passes every response (header names and
 *    values, the body text, every string and property name of the parsed body, parse errors that
 *    quote the body) through `redact`/`redactJson` before any check previews, cuts or formats it.
 * 2. From every text that leaves the process (stdout, stderr, each report), as a safety net.
 *
 * What counts as the token: any piece of PIECE_LENGTH characters of it (so a preview that cut it
 * short still leaks nothing), in any letter case, in each form a server may have put it in, and then
 * through this suite's own renderers (JSON, HTML/XML, console escapes):
 * - URL-encoded with percent or form encoding, JSON-escaped, HTML-escaped, and any two of those in a row;
 * - spelled out unit by unit: every byte percent-encoded (`%6E%63`), every character as a `\uXXXX`
 *   JSON escape, as `&#NNN;` or `&#xHH;` entities, as hex (`6e63`, `\x6e\x63`), as UTF-16 hex
 *   (little- or big-endian); and reversed, as is or encoded once;
 * - base64/base64url of its UTF-8 bytes and of its UTF-16 (either byte order), at any alignment.
 * Mixtures (some characters spelled out, others not) and encodings not listed are not covered.
 * Tokens are few and high-entropy, so a 12-character piece of one does not occur in ordinary text.
 */
import { escapeControls } from "./report/terminal-text.js";

/** Shorter values would redact ordinary words. */
const MIN_SECRET_LENGTH = 6;
/** No piece of a token this long may appear in any output, in any form (issue 8, item 11). */
export const PIECE_LENGTH = 12;
export const REDACTED = "[REDACTED]";

type Encode = (text: string) => string;

const json: Encode = (text) => JSON.stringify(text).slice(1, -1);
const percent: Encode = (text) => encodeURIComponent(text);
const formEncoded: Encode = (text) => new URLSearchParams([["", text]]).toString().slice(1);
const html =
  (apostrophe: string): Encode =>
  (text) =>
    text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", apostrophe);

/** How a server may have encoded a token it echoes: each of these, and each pair (HTML of JSON, percent of percent…). */
const SERVER_ENCODINGS: Encode[] = [json, percent, formEncoded, html("'"), html("&#39;"), html("&#x27;")];

const hex2 = (byte: number) => byte.toString(16).padStart(2, "0");
const bytesOf = (text: string) => [...Buffer.from(text)];
const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

/**
 * Encodings that spell a token out unit by unit (each byte, each UTF-16 unit or each code point),
 * taken once: their output holds no character the others would change, bar `&` and `\`, which the
 * output forms cover. Lowercased like every needle, so `%6E` and `%6e`, `4E` and `4e` are one needle.
 */
const SPELLED_OUT: Encode[] = [
  (text) =>
    bytesOf(text)
      .map((byte) => `%${hex2(byte)}`)
      .join(""),
  (text) => Array.from({ length: text.length }, (_, i) => `\\u${text.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  (text) => [...text].map((char) => `&#${char.codePointAt(0)};`).join(""),
  (text) => [...text].map((char) => `&#x${(char.codePointAt(0) ?? 0).toString(16)};`).join(""),
  (text) => Buffer.from(text).toString("hex"),
  (text) =>
    bytesOf(text)
      .map((byte) => `\\x${hex2(byte)}`)
      .join(""),
  (text) => Buffer.from(text, "utf16le").toString("hex"),
  (text) => utf16be(text).toString("hex"),
];

const reversed: Encode = (text) => [...text].reverse().join("");

/**
 * How this suite's own renderers may show such a string: value previews and conformance.json
 * (JSON, so a preview in the JSON report is escaped twice), report.html and junit.xml (HTML/XML
 * escaping of either; junit escapes `'`, the page does not), the console (control characters escaped).
 */
const OUTPUT_FORMS: Encode[] = [
  (text) => text,
  json,
  (text) => json(json(text)),
  html("'"),
  html("&apos;"),
  (text) => html("'")(json(text)),
  (text) => html("&apos;")(json(text)),
  (text) => html("'")(json(json(text))),
  escapeControls,
  (text) => escapeControls(json(text)),
];

/** The piece as a server may have echoed it: as is, encoded once or twice, spelled out, or reversed (as is or encoded once). */
function serverForms(piece: string): Set<string> {
  const forms = new Set([piece]);
  for (const inner of SERVER_ENCODINGS) {
    const once = inner(piece);
    forms.add(once);
    for (const outer of SERVER_ENCODINGS) forms.add(outer(once));
  }
  for (const spell of SPELLED_OUT) forms.add(spell(piece));
  const backwards = reversed(piece);
  forms.add(backwards);
  for (const encode of SERVER_ENCODINGS) forms.add(encode(backwards));
  return forms;
}

export class Redactor {
  /** Each secret with its needles (worked out once per secret: about 10 ms for a plain token). */
  private readonly secrets = new Map<string, Set<string>>();
  private index: NeedleIndex | undefined;

  constructor(secrets: Iterable<string>) {
    this.add(secrets);
  }

  /** Learns more secrets (tokens of the embedded provider become known only after it starts). */
  add(more: Iterable<string>): void {
    const before = this.secrets.size;
    for (const secret of more) {
      if (secret.length >= MIN_SECRET_LENGTH && !this.secrets.has(secret)) this.secrets.set(secret, needlesOf(secret));
    }
    if (this.secrets.size !== before) this.index = new NeedleIndex(new Set([...this.secrets.values()].flatMap((needles) => [...needles])));
  }

  /** `text` with every piece of a known token, in any of the forms, replaced by [REDACTED]. */
  redact(text: string): string {
    const index = this.index;
    if (index === undefined || text.length < index.shortest) return text;
    const spans = index.find(lowerSameLength(text));
    return spans.length === 0 ? text : replaceSpans(text, spans);
  }

  /**
   * Redacts a parsed JSON value in place (every string and property name) and returns it. Iterative,
   * so a deeply nested body cannot overflow the stack here.
   */
  redactJson<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    const pending: unknown[] = [value];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (node === null || typeof node !== "object") continue;
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        const safeItem = typeof item === "string" ? this.redact(item) : item;
        if (typeof item === "object" && item !== null) pending.push(item);
        const safeKey = Array.isArray(record) ? key : this.redact(key);
        if (safeKey !== key) delete record[key];
        // defineProperty, not assignment: a "__proto__" key from JSON.parse is an own property.
        if (safeKey !== key || safeItem !== item) {
          Object.defineProperty(record, safeKey, { value: safeItem, writable: true, enumerable: true, configurable: true });
        }
      }
    }
    return value;
  }
}

/** Every lowercased form of every piece of a secret. */
function needlesOf(secret: string): Set<string> {
  const needles = new Set<string>();
  for (const piece of pieces([...secret], (chars) => chars.join(""))) {
    for (const echoed of serverForms(piece)) {
      for (const output of OUTPUT_FORMS) needles.add(output(echoed).toLowerCase());
    }
  }
  // base64 of every 12-byte piece: whatever the alignment of a longer encoded run, a run that
  // encodes 14 bytes of the token holds one of these whole. The same for its UTF-16 in either byte
  // order (PowerShell's -EncodedCommand is base64 of UTF-16LE), 24-byte pieces: 12 characters.
  const base64Pieces = (bytes: Buffer, length: number) => {
    for (const run of pieces([...bytes], (units) => Buffer.from(units), length)) {
      needles.add(run.toString("base64").toLowerCase());
      needles.add(run.toString("base64url").toLowerCase());
    }
  };
  base64Pieces(Buffer.from(secret), PIECE_LENGTH);
  base64Pieces(Buffer.from(secret, "utf16le"), 2 * PIECE_LENGTH);
  base64Pieces(utf16be(secret), 2 * PIECE_LENGTH);
  return needles;
}

/** Every run of `length` consecutive units, or the whole when it is shorter. */
function pieces<U, P>(units: U[], join: (run: U[]) => P, length = PIECE_LENGTH): P[] {
  if (units.length <= length) return [join(units)];
  return Array.from({ length: units.length - length + 1 }, (_, start) => join(units.slice(start, start + length)));
}

/** Lowercased with every index unchanged (a few non-ASCII letters lengthen under toLowerCase). */
function lowerSameLength(text: string): string {
  const lowered = text.toLowerCase();
  return lowered.length === text.length ? lowered : text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** Replaces each span (merged where they overlap or touch) with one [REDACTED]. */
function replaceSpans(text: string, spans: [number, number][]): string {
  spans.sort((a, b) => a[0] - b[0]);
  let result = "";
  let copiedTo = 0;
  let [start, end] = spans[0] as [number, number];
  for (const [nextStart, nextEnd] of spans) {
    if (nextStart <= end) {
      end = Math.max(end, nextEnd);
      continue;
    }
    result += `${text.slice(copiedTo, start)}${REDACTED}`;
    copiedTo = end;
    [start, end] = [nextStart, nextEnd];
  }
  return `${result}${text.slice(copiedTo, start)}${REDACTED}${text.slice(end)}`;
}

const GRAM = 4;

/**
 * Finds many needles at once in time linear in the text (a q-gram filter, as in Wu-Manber): every
 * needle is at least `shortest` long, so any occurrence covers one of the text positions sampled
 * every `shortest - GRAM + 1` characters with one of its first grams. Only the 4-character gram at
 * each sampled position is looked up; a hit is confirmed with `startsWith`.
 */
class NeedleIndex {
  readonly shortest: number;
  private readonly step: number;
  private readonly grams = new Map<string, { needle: string; offset: number }[]>();

  constructor(needles: Set<string>) {
    this.shortest = Math.min(...[...needles].map((needle) => needle.length));
    this.step = this.shortest - GRAM + 1;
    for (const needle of needles) {
      for (let offset = 0; offset < this.step; offset += 1) {
        const gram = needle.slice(offset, offset + GRAM);
        const entries = this.grams.get(gram);
        if (entries) entries.push({ needle, offset });
        else this.grams.set(gram, [{ needle, offset }]);
      }
    }
  }

  /** [start, end) of every occurrence of a needle in `lowered`. */
  find(lowered: string): [number, number][] {
    const spans: [number, number][] = [];
    for (let at = 0; at + GRAM <= lowered.length; at += this.step) {
      const entries = this.grams.get(lowered.slice(at, at + GRAM));
      if (entries === undefined) continue;
      for (const { needle, offset } of entries) {
        const start = at - offset;
        if (start >= 0 && lowered.startsWith(needle, start)) spans.push([start, start + needle.length]);
      }
    }
    return spans;
  }
}
