/**
 * Colour on or off for a run. The suite writes no colour of its own; pact's native verifier does, and it
 * writes its report straight to file descriptor 1 from Rust, ignoring NO_COLOR and whether it is a
 * terminal (pact-core's node binding does not expose the core's colour switch). So the launcher runs a
 * command that starts the verifier in a child process and strips the escapes from what it prints
 * (src/cli/main.ts) when colour is off: `--no-color`, NO_COLOR (https://no-color.org), or no terminal.
 */
import { envSecrets } from "./args.js";
import { takeFlag } from "./take-flag.js";

/** Commands whose output comes partly from pact's native core. */
export const NATIVE_OUTPUT_COMMANDS: ReadonlySet<string> = new Set(["contracts:verify"]);

/** Set on the child the launcher starts, so it does not start another one. */
export const PLAIN_CHILD_MARK = "TENANT_API_CONFORMANCE_PLAIN_CHILD";

/** `--no-color` anywhere before a `--` terminator is the launcher's, not the command's: it sets NO_COLOR. */
export function takeNoColorFlag(argv: readonly string[], env: NodeJS.ProcessEnv): { argv: string[]; env: NodeJS.ProcessEnv } {
  const taken = takeFlag(argv, "--no-color");
  return { argv: taken.argv, env: taken.present ? { ...env, NO_COLOR: "1" } : env };
}

/** NO_COLOR counts when present and not empty (no-color.org); a log that is not a terminal gets none either. */
export function colourOff(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || !isTTY;
}

/**
 * The launcher must run this command in a child, whose output it passes on: to strip its colour, and
 * whenever a secret is set, to redact it (pact's core prints what the broker answered, which may quote
 * the credentials it was sent, straight to file descriptor 1, past any redactor in this process).
 */
export function needsPlainChild(command: string | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (command === undefined || !NATIVE_OUTPUT_COMMANDS.has(command) || env[PLAIN_CHILD_MARK] !== undefined) return false;
  return colourOff(env, isTTY) || envSecrets(env).length > 0;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
const PARTIAL_CSI = /\u001b(\[[0-?]*[ -/]*)?$/;

/** Removes ANSI CSI sequences (colour, bold) from a stream of chunks; a sequence split across chunks is held back. */
export class AnsiStripper {
  private pending = "";

  push(chunk: string): string {
    const text = this.pending + chunk;
    const partial = PARTIAL_CSI.exec(text);
    this.pending = partial ? partial[0] : "";
    return (partial ? text.slice(0, partial.index) : text).replace(CSI, "");
  }

  /** What is left at the end: an unfinished sequence, kept as text without its ESC. */
  flush(): string {
    const rest = this.pending.replace("\u001b", "");
    this.pending = "";
    return rest;
  }
}
