/**
 * Flags as every command reads them: a whole number says what it expected, and a flag the command
 * does not know is one line that names the closest known flag and points to --help.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { closest, distance } from "fastest-levenshtein";
import { ToolError } from "../errors.js";

/**
 * `--runs -5` reaches the number check: node's parseArgs would otherwise refuse "-5" as an
 * ambiguous option before the flag could say what it expects.
 */
export function joinNegativeNumbers(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const next = argv[i + 1];
    if (arg === "--") return [...joined, ...argv.slice(i)];
    if (/^--[^=]+$/.test(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/**
 * Flags of the official pact CLIs (pact-broker, pactflow, pact-provider-verifier) that this suite spells
 * otherwise: someone used to them is told what to write here instead of a near miss.
 */
const OFFICIAL_NAMES: Record<string, string> = {
  "--publish-verification-results": "--publish (with contracts:verify --from-broker)",
  "--provider-app-version": "PACT_PROVIDER_VERSION in the environment",
  "--consumer-app-version": "PACT_CONSUMER_VERSION in the environment",
  "--broker-base-url": "PACT_BROKER_BASE_URL in the environment",
  "--broker-token": "PACT_BROKER_TOKEN in the environment (never on the command line)",
  "--broker-username": "PACT_BROKER_USERNAME in the environment",
  "--broker-password": "PACT_BROKER_PASSWORD in the environment (never on the command line)",
};

/** A parseArgs error as one line: the unknown flag with the closest known one, and where to read more. */
export function flagError(error: unknown, knownFlags: readonly string[] = []): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const first = message.split(/\.\s|\n/)[0] ?? message;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? "";
    const official = OFFICIAL_NAMES[flag.split("=")[0] ?? ""];
    if (official !== undefined) return new ToolError("CONFIG_INVALID", `unknown option ${flag}: here it is ${official}; see --help`);
    const known = knownFlags.map((name) => `--${name}`);
    const near = known.length > 0 ? closest(flag, known) : undefined;
    const hint = near !== undefined && distance(flag, near) <= Math.max(2, flag.length / 3) ? ` (did you mean ${near}?)` : "";
    return new ToolError("CONFIG_INVALID", `unknown option ${flag}${hint}; see --help`);
  }
  return new ToolError("CONFIG_INVALID", `${first.replace(/^./, (c) => c.toLowerCase())}; see --help`);
}

/**
 * A whole number between `min` and `max`, or undefined when the flag is absent. The message says what
 * was expected: `--runs must be a positive integer, got "-5"`.
 */
export function parseInteger(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min) {
    const expected = min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer of at least ${min}`;
    throw new ToolError("CONFIG_INVALID", `${name} must be ${expected}, got ${JSON.stringify(value)}`);
  }
  if (number > max) throw new ToolError("CONFIG_INVALID", `${name} must be at most ${max}, got ${JSON.stringify(value)}`);
  return number;
}

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
/** Named, so the package's declaration emit (tsconfig.build.json) need not name node's internal option type. */
type ParsedCommandLine<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>
>;

/** node's parseArgs, strict, with errors that name the closest flag and point to --help. */
export function parseCommandLine<const O extends FlagOptions>(
  argv: readonly string[],
  options: O,
  allowPositionals = false,
): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: joinNegativeNumbers(argv), options, allowPositionals, strict: true });
  } catch (error) {
    throw flagError(error, Object.keys(options));
  }
}
