/**
 * The figures of one gate run behind the delaying proxy: wall time, request count, the number of
 * sequential round trips it amounted to, and the lower bound no request plan can beat.
 *
 * The bound is the longest chain of requests that must wait for each other. Reads, and PATCHes a
 * correct API refuses, may overlap; but on one organization a PATCH that is applied must wait for the
 * previous applied PATCH and for the GET that verifies it (the oracle reads the org back after every
 * applied update), and the first PATCH must wait for the read that snapshots the org. So the chain of
 * an org is 1 + 2 × (applied PATCHes), and the run's bound is the longest chain over its orgs.
 */
import type { ProxiedRequest } from "./delaying-proxy.js";

export interface LatencyFigures {
  latencyMs: number;
  wallMs: number;
  requests: number;
  /** wall ÷ latency; undefined at 0 ms, where it means nothing. */
  roundTrips?: number;
  /** The dependency-chain lower bound, in requests (multiply by the latency for time). */
  chain: number;
  /** Findings of the run (a bench of the correct provider expects 0). */
  findings: number;
  /** Generated bodies actually sent (fewer than asked when the check's time limit cut it short). */
  bodies?: number;
  /** Which checks ran (e.g. "default gate"). */
  scope?: string;
  /** The model-based run's share, when it ran: its sequences wait for each other by nature (fewer on a slow API: its budget). */
  model?: { requests: number; wallMs: number; sequences?: number };
}

type Logged = Pick<ProxiedRequest, "method" | "path" | "status">;

export function dependencyChain(log: readonly Logged[]): number {
  const applied = new Map<string, number>();
  for (const entry of log) {
    if (entry.method === "PATCH" && entry.status >= 200 && entry.status < 300) {
      applied.set(entry.path, (applied.get(entry.path) ?? 0) + 1);
    }
  }
  const longest = Math.max(0, ...applied.values());
  return log.length === 0 ? 0 : 1 + 2 * longest;
}

export function figuresOf(
  latencyMs: number,
  wallMs: number,
  log: readonly Logged[],
  run: Pick<LatencyFigures, "findings" | "bodies" | "scope" | "model">,
): LatencyFigures {
  return {
    latencyMs,
    wallMs,
    requests: log.length,
    roundTrips: latencyMs > 0 ? wallMs / latencyMs : undefined,
    chain: dependencyChain(log),
    ...run,
  };
}

/** The model run's sequence count, from its note ("model-based run: 3 sequences (of 10: cut ...), ..."). */
export function sequencesSent(notes: readonly string[]): number | undefined {
  for (const note of notes) {
    const match = /model-based run: (\d+) sequences/.exec(note);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** The count of generated bodies sent, from the note the generated check leaves ("generated bodies: 100 sent, ..."). */
export function bodiesSent(notes: readonly string[]): number | undefined {
  for (const note of notes) {
    const match = /generated bodies: (\d+) sent/.exec(note);
    if (match) return Number(match[1]);
  }
  return undefined;
}

export function renderFigures(rows: readonly LatencyFigures[]): string {
  const header = [
    "latency",
    "wall",
    "requests",
    "round trips",
    "chain bound",
    "bound time",
    "findings",
    "bodies",
    "checks",
    "of which model run",
  ];
  const lines = rows.map((row) => [
    `${row.latencyMs} ms`,
    `${(row.wallMs / 1000).toFixed(1)} s`,
    String(row.requests),
    row.roundTrips === undefined ? "-" : row.roundTrips.toFixed(0),
    String(row.chain),
    `${((row.chain * row.latencyMs) / 1000).toFixed(1)} s`,
    String(row.findings),
    row.bodies === undefined ? "-" : String(row.bodies),
    row.scope ?? "-",
    row.model === undefined ? "-" : modelShare(row.model),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)));
  const pad = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[pad(header), ...lines.map(pad)].join("\n")}\n`;
}

function modelShare(model: NonNullable<LatencyFigures["model"]>): string {
  const sequences = model.sequences === undefined ? "" : `, ${model.sequences} sequences`;
  return `${(model.wallMs / 1000).toFixed(1)} s, ${model.requests} requests${sequences}`;
}
