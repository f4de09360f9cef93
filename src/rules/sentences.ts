/**
 * Every sentence of the docs, extracted from the spec by code: each `summary` and `description` string
 * anywhere in the document (operations, responses, parameters, schemas and their properties, tags,
 * servers, the security scheme), markdown emphasis and code marks removed, split into sentences.
 * A sentence's id is the JSON pointer of its text plus its 1-based position there
 * (`/paths/~1api~1v1~1orgs/get/description#1`), so the register can name it and a test can tell
 * when a sentence appears, disappears or changes.
 */
import { escapePointer, isObject } from "../spec/assemble.js";

export interface Sentence {
  /** `<JSON pointer>#<n>`: stable while the docs keep the sentence where it is. */
  id: string;
  /** The JSON pointer of the summary or description the sentence comes from. */
  pointer: string;
  /** The sentence as a reader sees it: markdown removed, whitespace collapsed. */
  text: string;
}

const TEXT_KEYS = new Set(["summary", "description"]);

export function extractSentences(document: unknown): Sentence[] {
  const sentences: Sentence[] = [];
  walk(document, "", (pointer, text) => {
    splitSentences(normaliseMarkdown(text)).forEach((sentence, index) => {
      sentences.push({ id: `${pointer}#${index + 1}`, pointer, text: sentence });
    });
  });
  return sentences;
}

function walk(node: unknown, pointer: string, visit: (pointer: string, text: string) => void): void {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) walk(item, `${pointer}/${index}`, visit);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const at = `${pointer}/${escapePointer(key)}`;
    // A schema property may itself be called `description` (an object): only strings are docs text.
    if (TEXT_KEYS.has(key) && typeof value === "string") visit(at, value);
    else walk(value, at, visit);
  }
}

/** `Use the **\`access_token\`**` reads as `Use the access_token`: emphasis and code marks removed. */
export function normaliseMarkdown(text: string): string {
  return text
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

// Intl's sentence segmentation (ICU, built into Node) rather than a hand-written split on ". ".
const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

export function splitSentences(text: string): string[] {
  return [...segmenter.segment(text)].map((segment) => segment.segment.trim()).filter((sentence) => sentence !== "");
}
