/**
 * Text for the console: the one place where a line bound for stdout or stderr is made inert, because
 * server-supplied strings (values, property names, pointers, header values, body excerpts) travel
 * into it unchanged, and a terminal or a CI log would otherwise obey them.
 *
 * - Control characters are shown as escapes: C0 (ESC starts terminal sequences, CR rewrites a line,
 *   LF starts a new one), DEL, C1 (U+009B is an 8-bit CSI), the Unicode line and paragraph
 *   separators, and the bidirectional overrides and isolates that reorder what is displayed
 *   (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C; "Trojan Source", CVE-2021-42574).
 * - No CI workflow command survives. GitHub Actions obeys `::command::` only at the start of a line
 *   (after blanks), so such a line gets a `\` in front. The legacy parsers look anywhere in the line
 *   (GitHub's `##[command]`, Azure Pipelines' `##vso[`, found with IndexOf, any letter case), so a `\`
 *   in front of the line would not help: the bracket itself is escaped wherever it is (`##\[`, `##vso\[`).
 *   @see https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 *   @see https://learn.microsoft.com/en-us/azure/devops/pipelines/scripts/logging-commands
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `::command::` at the start of a line (GitHub's current parser trims the line first). */
const LINE_COMMAND = /^(\s*)::/;
/** `##[command]` and `##vso[command]` anywhere in a line (the legacy parsers search the whole line). */
const LEGACY_COMMAND = /(##(?:vso)?)\[/gi;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r", "\u001b": "\\e" };

/** One code point as an escape a reader can decode: `\e`, `\n`, `\x9b`, `\u202e`. */
function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Escapes every control or reordering character, so `text` prints as one inert line. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** One line for the console: no control characters, and never a workflow command. */
export function terminalLine(line: string): string {
  return escapeControls(line).replace(LINE_COMMAND, "$1\\::").replace(LEGACY_COMMAND, "$1\\[");
}

/** A block of lines for the console, each made inert by `terminalLine`. */
export function consoleText(text: string): string {
  return text.split("\n").map(terminalLine).join("\n");
}
