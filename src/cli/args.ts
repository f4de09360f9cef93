/** What every command does with its argument list: --help, strict flags, and one line per error. */
import { secretsInEnv } from "../config/settings.js";
import { describeError, EXIT_OK, EXIT_TOOL_ERROR } from "../errors.js";
import { asTyped } from "../launch.js";
import { Redactor } from "../redaction.js";
import { terminalLine } from "../report/terminal-text.js";
import type { CliIo } from "./io.js";

export { parseCommandLine } from "../config/flags.js";

/** `--help` or `-h` anywhere before a `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  const flags = end < 0 ? argv : argv.slice(0, end);
  return flags.includes("--help") || flags.includes("-h");
}

/**
 * Secrets any command may see in its environment: the suite's tokens and the broker's credentials.
 * With basic auth, `username:password` is one more: its base64 is the header `Basic …` exactly, which
 * a broker may echo, while the password alone is encoded at an offset within it.
 */
export function envSecrets(env: NodeJS.ProcessEnv): string[] {
  const broker = ["PACT_BROKER_TOKEN", "PACT_BROKER_PASSWORD"].flatMap((name) => env[name]?.trim() || []);
  const username = env.PACT_BROKER_USERNAME?.trim();
  const password = env.PACT_BROKER_PASSWORD?.trim();
  const basic = username && password ? [`${username}:${password}`] : [];
  return [...secretsInEnv(env), ...broker, ...basic];
}

/** One line on stderr: redacted, then made inert for a terminal or CI log. */
export function errorLine(io: CliIo, env: NodeJS.ProcessEnv, text: string): void {
  io.stderr.write(`${terminalLine(new Redactor(envSecrets(env)).redact(text))}\n`);
}

/**
 * A command's body with the house rules around it: --help prints the usage (exit 0), and an error is
 * one line `name: CODE: message` on stderr and exit 2, never a stack trace.
 */
export async function command(
  name: string,
  usage: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  body: () => Promise<number> | number,
): Promise<number> {
  if (wantsHelp(argv)) {
    const typed = asTyped(usage);
    io.stdout.write(typed.endsWith("\n") ? typed : `${typed}\n`);
    return EXIT_OK;
  }
  try {
    return await body();
  } catch (error) {
    errorLine(io, env, `${name}: ${describeError(error)}`);
    return EXIT_TOOL_ERROR;
  }
}
