/**
 * What a person sees while the gate runs: the header line before the first request, then a
 * progress line. On a terminal it is one line redrawn in place; in a CI log (no terminal) a line
 * appears at least every 10 s, so a slow API never looks like a hung job.
 */
import type { Settings } from "../config/settings.js";
import type { Check } from "../conformance/check.js";
import { concurrencyOf } from "../conformance/plan.js";
import { embeddedWritesDenied, plannedTarget, writesDeniedReason } from "../conformance/prepare.js";
import { announcedSkips, everyResponseRuleCount, type RunOptions, type RunProgress, type Selection } from "../conformance/runner.js";
import type { Redactor } from "../redaction.js";
import { besideChecks } from "../report/result-parts.js";
import { terminalLine } from "../report/terminal-text.js";
import { type CliIo, systemClock } from "./io.js";

/** Without a terminal, a progress line once this long has passed since the last (the clock ticks every second). */
const LOG_EVERY_MS = 9_000;
const TICK_MS = 1_000;
/** On a terminal, redraws at most this often. */
const REDRAW_MS = 100;
/** Erases the current terminal line and returns to its start. */
const ERASE_LINE = "\r\u001b[2K";

export function headerLine(settings: Settings, checks: readonly Check[], selection?: Selection): string {
  const where = settings.baseUrl === undefined ? "the embedded reference provider" : `${settings.baseUrl} (live target)`;
  const seed = settings.seed === undefined ? "" : `; seed ${settings.seed} (replay with --seed ${settings.seed})`;
  const which = selection ? `${checks.length} of ${selection.total} checks (${selection.args.join(" ")})` : `${checks.length} checks`;
  return `Running ${which}${resultsNote(settings, checks)} against ${where}${seed}; ${writesNote(settings, checks)}; ${skipsNote(settings, checks)}`;
}

/**
 * What the summary will count beside the checks, so its total is no surprise: `(+ 10 every-response rules
 * + the restore = 104 results)`. An every-response rule the run meets unforeseen (a timeout) adds one.
 */
function resultsNote(settings: Settings, checks: readonly Check[]): string {
  const everyResponseRules = everyResponseRuleCount(settings.maxResponseMs !== undefined);
  const writes = denied(settings) === undefined && checks.some((check) => check.phase === "write");
  const parts = { everyResponseRules, restore: writes ? 1 : 0 };
  const total = checks.length + parts.everyResponseRules + parts.restore;
  return ` (+ ${besideChecks(parts).join(" + ")} = ${total} results)`;
}

function denied(settings: Settings): string | undefined {
  return settings.baseUrl === undefined ? embeddedWritesDenied(settings) : writesDeniedReason(settings);
}

function writesNote(settings: Settings, checks: readonly Check[]): string {
  const why = denied(settings);
  if (why !== undefined) return `read-only: ${why}`;
  return checks.some((check) => check.phase === "write") ? "writes allowed" : "writes allowed, but no write check is selected";
}

/**
 * How many checks the settings already condemn to a skip, grouped by why, so an operator sees before
 * the first request that a green run would not be a full one:
 * `12 checks will be skipped: 10 × mutations are not allowed (…), 2 × no member persona (…)`.
 */
function skipsNote(settings: Settings, checks: readonly Check[]): string {
  const skips = [...announcedSkips(checks, plannedTarget(settings), concurrencyOf(settings)).values()];
  if (skips.length === 0) return "no check will be skipped for want of a persona, of leave to write or of requests in flight";
  const byReason = new Map<string, number>();
  for (const reason of skips) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  const why = [...byReason].map(([reason, count]) => `${count} × ${reason}`).join(", ");
  const gate = settings.failOnSkip ? " (--fail-on-skip: the gate will fail)" : " (the verdict will be INCOMPLETE)";
  return `${skips.length} of ${checks.length} checks will be skipped${gate}: ${why}`;
}

export class RunConsole {
  private progress: RunProgress;
  private readonly clock;
  private readonly started: number;
  private lastShown: number;
  private drawn = false;
  private stopTimer: (() => void) | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly redactor: Redactor,
    readonly checks: readonly Check[],
    private readonly selection?: Selection,
  ) {
    this.clock = io.clock ?? systemClock;
    this.started = this.clock.now();
    this.lastShown = this.started;
    this.progress = { checksDone: 0, checksTotal: checks.length, requests: 0 };
  }

  /** Prints the header line; call before the first request. */
  header(settings: Settings): void {
    this.io.stdout.write(this.redactor.redact(`${terminalLine(headerLine(settings, this.checks, this.selection))}\n`));
  }

  /** What the runner needs: the selected checks and the progress callback. Starts the clock's ticks. */
  runOptions(): Pick<RunOptions, "checks" | "onProgress" | "selection"> {
    this.stopTimer ??= this.clock.every(TICK_MS, () => this.show());
    return {
      checks: this.checks,
      ...(this.selection ? { selection: this.selection } : {}),
      onProgress: (progress) => {
        this.progress = progress;
        this.show();
      },
    };
  }

  /** Stops the ticks and clears the terminal line, so the summary starts on a clean line. */
  end(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    if (this.drawn) this.io.stdout.write(ERASE_LINE);
    this.drawn = false;
  }

  private show(): void {
    if (this.stopTimer === undefined) return;
    const now = this.clock.now();
    if (now - this.lastShown < (this.io.isTTY ? REDRAW_MS : LOG_EVERY_MS)) return;
    this.lastShown = now;
    const { checksDone, checksTotal, requests } = this.progress;
    const line = `progress: ${checksDone}/${checksTotal} checks done, ${requests} requests, ${((now - this.started) / 1000).toFixed(1)} s`;
    if (this.io.isTTY) {
      this.io.stdout.write(`${ERASE_LINE}${line}`);
      this.drawn = true;
    } else {
      this.io.stdout.write(`${line}\n`);
    }
  }
}
