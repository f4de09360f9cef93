/**
 * Trends from --history, drawn as inline SVG (no scripts, no external resources): one bar per run
 * showing its checks by outcome, and one line per operation of p95 latency across the runs.
 */
import type { HistoryEntry } from "../findings/history.js";
import { esc } from "./escape.js";

/** How many runs the report draws (the most recent ones). */
export const TREND_RUNS = 30;

const WIDTH = 640;
const HEIGHT = 160;
const PAD = 28;
const OUTCOME_COLOURS = { pass: "#3a9d5d", fail: "#d64545", error: "#8e2c2c", skip: "#e0b43a" } as const;
const LINE_COLOURS = ["#2f6fd6", "#c2571a", "#7a3fb8", "#1f8f8f", "#a33a6b"];

export function renderTrends(history: readonly HistoryEntry[]): string {
  const runs = history.slice(-TREND_RUNS);
  if (runs.length === 0) return "<p>No history (run with <code>--history FILE</code> to keep one).</p>";
  return `${outcomeBars(runs)}\n${latencyLines(runs)}`;
}

function outcomeBars(runs: readonly HistoryEntry[]): string {
  const most = Math.max(1, ...runs.map((r) => r.counts.pass + r.counts.fail + r.counts.error + r.counts.skip));
  const slot = (WIDTH - 2 * PAD) / runs.length;
  const bars = runs.map((run, index) => {
    let y = HEIGHT - PAD;
    const x = PAD + index * slot + slot * 0.15;
    const segments = (["pass", "fail", "error", "skip"] as const).map((outcome) => {
      const h = ((HEIGHT - 2 * PAD) * run.counts[outcome]) / most;
      y -= h;
      return `<rect class="outcome-${outcome}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${OUTCOME_COLOURS[outcome]}"/>`;
    });
    const title = `${run.time} ${run.verdict}: ${run.counts.pass} passed, ${run.counts.fail} failed, ${run.counts.error} errors, ${run.counts.skip} skipped, ${run.counts.findings} findings`;
    return `<g class="run" data-verdict="${esc(run.verdict)}"><title>${esc(title)}</title>${segments.join("")}</g>`;
  });
  return `<figure><svg class="trend-outcomes" role="img" aria-label="Check outcomes of the last ${runs.length} runs" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>
${bars.join("\n")}
<text x="${PAD}" y="${HEIGHT - 8}" font-size="11">${esc(runs[0]?.time ?? "")}</text><text x="${WIDTH - PAD}" y="${HEIGHT - 8}" font-size="11" text-anchor="end">${esc(runs[runs.length - 1]?.time ?? "")}</text>
</svg><figcaption>Checks per run: passed (green), failed (red), errors (dark red), skipped (yellow).</figcaption></figure>`;
}

function latencyLines(runs: readonly HistoryEntry[]): string {
  const operations = [...new Set(runs.flatMap((r) => Object.keys(r.latency)))].sort();
  const highest = Math.max(1, ...runs.flatMap((r) => Object.values(r.latency).map((l) => l.p95Ms)));
  const step = runs.length > 1 ? (WIDTH - 2 * PAD) / (runs.length - 1) : 0;
  const lines = operations.map((operationId, index) => {
    const colour = LINE_COLOURS[index % LINE_COLOURS.length];
    const points = runs.flatMap((run, i) => {
      const p95 = run.latency[operationId]?.p95Ms;
      if (p95 === undefined) return [];
      return [`${(PAD + i * step).toFixed(1)},${(HEIGHT - PAD - ((HEIGHT - 2 * PAD) * p95) / highest).toFixed(1)}`];
    });
    return `<polyline class="latency" data-operation="${esc(operationId)}" fill="none" stroke="${colour}" stroke-width="2" points="${points.join(" ")}"><title>${esc(operationId)} p95</title></polyline>`;
  });
  const legend = operations.map((op, i) => `<span style="color:${LINE_COLOURS[i % LINE_COLOURS.length]}">■ ${esc(op)}</span>`).join(" ");
  return `<figure><svg class="trend-latency" role="img" aria-label="p95 latency per operation over the last ${runs.length} runs" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>
<text x="4" y="${PAD - 8}" font-size="11">${highest} ms</text>
${lines.join("\n")}
</svg><figcaption>p95 latency per operation: ${legend}</figcaption></figure>`;
}
