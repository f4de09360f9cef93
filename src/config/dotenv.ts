/**
 * A strict reader of `.env` files. Node's own `util.parseEnv` decodes the values, but on Node 20 it
 * reports nothing: it keeps a byte-order mark in the first name, reads `  export B=2` as a variable
 * named `  export B`, glues a garbage line onto the next name, keeps an unterminated quote as part of
 * the value and drops whatever follows a closing quote. dotenv behaves alike. So every entry is first
 * checked here, line by line, and any line that is not `[export] NAME=value`, a comment or blank is an
 * error naming its line number. Messages never quote a line: it may hold a token.
 */
import { parseEnv } from "node:util";

export class DotEnvError extends Error {
  override readonly name = "DotEnvError";

  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

const ENTRY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=[ \t]*(.*)$/;
const QUOTES = new Set(['"', "'", "`"]);

/** The variables of a `.env` text; throws DotEnvError at the first malformed line. */
export function parseDotEnv(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const values: Record<string, string> = {};
  const definedOn = new Map<string, number>();
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index] ?? "";
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = ENTRY.exec(line);
    if (!match) throw new DotEnvError(lineNumber, "expected NAME=value, a comment or a blank line");
    const [, name = "", start = ""] = match;
    const earlier = definedOn.get(name);
    if (earlier !== undefined) throw new DotEnvError(lineNumber, `${name} is already set on line ${earlier}`);
    definedOn.set(name, lineNumber);
    const quote = start[0] ?? "";
    let raw = start;
    if (QUOTES.has(quote)) {
      const end = closingQuote(lines, index, quote);
      raw = lines.slice(index, end.line + 1).join("\n");
      raw = raw.slice(raw.indexOf("=") + 1).trimStart();
      checkAfterQuote(lines[end.line] ?? "", end.column, name, quote, { opened: lineNumber, closed: end.line + 1 });
      index = end.line;
    } else if (/[^\s]#/.test(start)) {
      throw new DotEnvError(lineNumber, `${name}: '#' starts a comment even inside an unquoted value; quote the value`);
    }
    values[name] = decode(name, raw, lineNumber);
  }
  return values;
}

/** Where the quote opened on line `index` closes: the next same quote (parseEnv knows no escapes). */
function closingQuote(lines: string[], index: number, quote: string): { line: number; column: number } {
  const opening = lines[index] ?? "";
  let from = opening.indexOf(quote, opening.indexOf("=")) + 1;
  for (let line = index; line < lines.length; line++) {
    const column = (lines[line] ?? "").indexOf(quote, from);
    if (column >= 0) return { line, column };
    from = 0;
  }
  const name = ENTRY.exec(opening)?.[1] ?? "";
  throw new DotEnvError(index + 1, `${name}: the ${quote} quote opened here is never closed`);
}

function checkAfterQuote(line: string, column: number, name: string, quote: string, at: { opened: number; closed: number }): void {
  if (/^\s*(#.*)?$/.test(line.slice(column + 1))) return;
  const opened = at.opened === at.closed ? "" : ` of the quote opened on line ${at.opened}`;
  throw new DotEnvError(
    at.closed,
    `${name}: unexpected text after the closing ${quote}${opened} (a quote cannot be escaped inside a value; use another kind of quote)`,
  );
}

/** The value as `util.parseEnv` reads it: quotes removed, `\n` expanded in double quotes, comment dropped. */
function decode(name: string, raw: string, lineNumber: number): string {
  const value = parseEnv(`${name}=${raw}`)[name];
  if (value === undefined) throw new DotEnvError(lineNumber, `${name}: the value cannot be read`);
  return value;
}
