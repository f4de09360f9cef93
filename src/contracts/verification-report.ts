/**
 * What pact's core verifier says about a run (the JSON `verifyProvider()` resolves or rejects
 * with), read into counts per consumer. The core lists each failure with the pact it belongs to
 * ("Verifying a pact between C and P ..."), and failures of pending pacts apart (`pendingErrors`);
 * which consumer a passing interaction belongs to is only in its printed report, under that same
 * heading, so the counts per consumer come from there.
 */
import { ToolError } from "../errors.js";
import { isObject } from "../spec/assemble.js";

/** What happened to one consumer's interactions. */
export interface ConsumerTally {
  consumer: string;
  verified: number;
  /** Non-pending interactions whose response did not match: they fail the command. */
  failed: number;
  /** Non-pending interactions whose provider state could not be set up: not verified at all. */
  unverified: number;
  /** Failed or unverified interactions of pending pacts: reported, published, never fatal. */
  pending: number;
}

export interface InteractionProblem {
  consumer: string;
  /** The core's name for it: consumer, provider, states and description. */
  interaction: string;
  kind: "failed" | "unverified";
  pending: boolean;
  message: string;
}

export interface VerificationReport {
  consumers: ConsumerTally[];
  problems: InteractionProblem[];
}

interface CoreError {
  interaction: string;
  message: string;
}

const PACT_HEADING = /^Verifying a pact between (.+?) and /;
/** The core's words for a state set-up that did not answer 2xx. */
const STATE_SETUP_FAILED = /state change/i;
/** A report line that starts an interaction: "  description (2ms loading, 62ms verification)". */
const INTERACTION_LINE = /^ {2}\S.*\([^()]*verification\)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the core's report is coloured with ANSI escapes
const ANSI = /\u001b\[[0-9;]*m/g;

/** The core's JSON as text; anything else means the verifier did not run (a tool error). */
export function readCoreReport(text: string): VerificationReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ToolError("VERIFIER_FAILED", `the pact verifier could not run: ${text.split("\n")[0]?.slice(0, 300)}`);
  }
  if (!isObject(raw)) throw new ToolError("VERIFIER_FAILED", "the pact verifier returned no report");
  const errors = coreErrors(raw.errors);
  const pendingErrors = coreErrors(raw.pendingErrors);
  // "Failed to load pact" and the like belong to no pact: nothing was verified (no broker, no pacts).
  const notRun = [...errors, ...pendingErrors].find((error) => !PACT_HEADING.test(error.interaction));
  if (notRun) throw new ToolError("VERIFIER_FAILED", `${notRun.interaction}: ${notRun.message}`);
  const problems = [...errors.map((e) => problemOf(e, false)), ...pendingErrors.map((e) => problemOf(e, true))];
  return { consumers: tallies(interactionsPerConsumer(raw.output), problems), problems };
}

function coreErrors(value: unknown): CoreError[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: unknown) => {
    const interaction = isObject(entry) && typeof entry.interaction === "string" ? entry.interaction : "";
    return { interaction, message: isObject(entry) ? mismatchMessage(entry.mismatch) : "" };
  });
}

/** A mismatch is either one error message or a list of mismatches, each with its own text. */
function mismatchMessage(mismatch: unknown): string {
  if (!isObject(mismatch)) return "";
  if (typeof mismatch.message === "string") return mismatch.message;
  if (!Array.isArray(mismatch.mismatches)) return "";
  return mismatch.mismatches
    .map((m: unknown) => (isObject(m) && typeof m.mismatch === "string" ? m.mismatch : ""))
    .filter((text: string) => text !== "")
    .join("; ");
}

function problemOf(error: CoreError, pending: boolean): InteractionProblem {
  return {
    consumer: PACT_HEADING.exec(error.interaction)?.[1] ?? "unknown",
    interaction: error.interaction.replace(PACT_HEADING, "").replace(/^\S+ /, ""),
    kind: STATE_SETUP_FAILED.test(error.message) ? "unverified" : "failed",
    pending,
    message: error.message,
  };
}

/** Interactions per consumer, counted under each "Verifying a pact between" heading of the report. */
function interactionsPerConsumer(output: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(output)) return counts;
  let consumer: string | undefined;
  for (const line of output.join("\n").replace(ANSI, "").split("\n")) {
    const heading = PACT_HEADING.exec(line);
    if (heading) consumer = heading[1];
    else if (consumer !== undefined && INTERACTION_LINE.test(line)) counts.set(consumer, (counts.get(consumer) ?? 0) + 1);
  }
  return counts;
}

function tallies(totals: Map<string, number>, problems: InteractionProblem[]): ConsumerTally[] {
  const consumers = [...new Set([...totals.keys(), ...problems.map((p) => p.consumer)])];
  return consumers.map((consumer) => {
    const own = problems.filter((p) => p.consumer === consumer);
    const count = (kind: InteractionProblem["kind"]) => own.filter((p) => !p.pending && p.kind === kind).length;
    const pending = own.filter((p) => p.pending).length;
    const tally = { consumer, failed: count("failed"), unverified: count("unverified"), pending };
    return { ...tally, verified: Math.max(0, (totals.get(consumer) ?? 0) - own.length) };
  });
}

/** One line for all consumers: what the last line of `contracts:verify` says. */
export function describeTallies(consumers: ConsumerTally[]): string {
  if (consumers.length === 0) return "no interactions verified";
  return consumers
    .map((t) => {
      const parts = [`${t.verified} verified`];
      if (t.failed > 0) parts.push(`${t.failed} failed`);
      if (t.unverified > 0) parts.push(`${t.unverified} not verified (no provider state set-up)`);
      if (t.pending > 0) parts.push(`${t.pending} failed in pending pacts`);
      return `${t.consumer}: ${parts.join(", ")}`;
    })
    .join("; ");
}
