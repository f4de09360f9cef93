/**
 * Output the suite passes on from another program (the pact-broker CLI prints what the broker
 * answered): it is server text like any other, so each line is redacted and made inert before it
 * reaches stdout or stderr. Lines are passed on whole, because a token split across two chunks of a
 * pipe would slip past a redactor that saw the chunks one at a time.
 */
import type { Redactor } from "../redaction.js";
import { terminalLine } from "../report/terminal-text.js";
import type { Writer } from "./io.js";

export class SafeLines implements Writer {
  private pending = "";

  constructor(
    private readonly target: Writer,
    private readonly redactor: Redactor,
  ) {}

  /** Passes on every complete line of what has arrived; keeps the unfinished last line. */
  write(text: string): boolean {
    const lines = `${this.pending}${text}`.split("\n");
    this.pending = lines.pop() ?? "";
    if (lines.length > 0) this.target.write(lines.map((line) => `${this.clean(line)}\n`).join(""));
    return true;
  }

  /** Passes on the unfinished last line, if any (the program ended without a line break). */
  flush(): void {
    if (this.pending !== "") this.target.write(`${this.clean(this.pending)}\n`);
    this.pending = "";
  }

  /** Redacted before escaping, so no escape can split a token; redacted after, as the renderers' forms are covered too. */
  private clean(line: string): string {
    return this.redactor.redact(terminalLine(this.redactor.redact(line.replace(/\r$/, ""))));
  }
}
