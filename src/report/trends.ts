/**
 * Trends from --history, drawn as inline SVG (no scripts, no external resources): one bar per run
 * showing its checks by outcome under a mark of the run's verdict, one line per operation of p95 latency
 * across the runs, and a table of the runs with their verdicts. The verdict is drawn apart from the
 * outcomes: a PASS night with 17 accepted findings has failing checks, and must not look like a FAIL
 * night; a night the run could not be made (OUTAGE) has no checks at all, and must not look like nothing.
 */
import { type HistoryEntry, OUTAGE } from "../findings/history.js";
import { esc } from "./escape.js";

/** How many runs the report draws (the most recent ones). */
export const TREND_RUNS = 30;

const WIDTH = 640;
const HEIGHT = 160;
const PAD = 28;
const OUTCOME_COLOURS = { pass: "#3a9d5d", fail: "#d64545", error: "#8e2c2c", skip: "#e0b43a" } as const;
/** The verdict mark above each bar; an outage is grey and crossed, so a missing bar reads as "not run". */
const VERDICT_COLOURS: Record<HistoryEntry["verdict"], string> = {
  PASS: "#3a9d5d",
  FAIL: "#d64545",
  INCOMPLETE: "#e0b43a",
  [OUTAGE]: "#8a8a8f",
};
const MARK = 10;
const LINE_COLOURS = ["#2f6fd6", "#c2571a", "#7a3fb8", "#1f8f8f", "#a33a6b"];

export function renderTrends(history: readonly HistoryEntry[]): string {
  const runs = history.slice(-TREND_RUNS);
  if (runs.length === 0) return "<p>No history (run with <code>--history FILE</code> to keep one).</p>";
  return `${outcomeBars(runs)}\n${latencyLines(runs)}\n${runTable(runs)}`;
}

/** `2026-12-06T03:17:00.000Z OUTAGE: TARGET_UNREACHABLE: …` or `… PASS: 90 passed, …, 17 findings (17 known)` */
function describeRun(run: HistoryEntry): string {
  if (run.verdict === OUTAGE) return `${run.time} OUTAGE (the run could not be made): ${run.outage?.cause ?? "no cause recorded"}`;
  const known = run.counts.known === undefined ? "" : ` (${run.counts.new ?? 0} new, ${run.counts.known} known)`;
  return `${run.time} ${run.verdict}: ${run.counts.pass} passed, ${run.counts.fail} failed, ${run.counts.error} errors, ${run.counts.skip} skipped, ${run.counts.findings} findings${known}`;
}

/** The runs as a table, most recent first: the verdict in words, the findings, and an outage's cause. */
function runTable(runs: readonly HistoryEntry[]): string {
  const rows = [...runs].reverse().map((run) => {
    const findings =
      run.verdict === OUTAGE
        ? esc(run.outage?.cause ?? "")
        : `${run.counts.findings} (${run.counts.new ?? 0} new, ${run.counts.known ?? 0} known)`;
    return `<tr class="run verdict-${esc(run.verdict)}" data-verdict="${esc(run.verdict)}"><td>${esc(run.time)}</td><td><strong>${esc(run.verdict)}</strong></td><td>${findings}</td></tr>`;
  });
  return `<details class="runs"><summary>The last ${runs.length} runs, with their verdicts</summary>
<table class="runs"><tr><th>started</th><th>verdict</th><th>findings, or why the run could not be made</th></tr>
${rows.join("\n")}</table></details>`;
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
    return `<g class="run" data-verdict="${esc(run.verdict)}"><title>${esc(describeRun(run))}</title>${verdictMark(run, x, slot * 0.7)}${segments.join("")}</g>`;
  });
  return `<figure><svg class="trend-outcomes" role="img" aria-label="Verdicts and check outcomes of the last ${runs.length} runs" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>
${bars.join("\n")}
<text x="${PAD}" y="${HEIGHT - 8}" font-size="11">${esc(runs[0]?.time ?? "")}</text><text x="${WIDTH - PAD}" y="${HEIGHT - 8}" font-size="11" text-anchor="end">${esc(runs[runs.length - 1]?.time ?? "")}</text>
</svg><figcaption>Each run's verdict on top: PASS (green), FAIL (red), INCOMPLETE (yellow), OUTAGE: the run could not be made (grey, crossed). Below it, its results: passed (green), failed (red), errors (dark red), skipped (yellow); a failed check whose findings are all accepted as known does not make the run fail.</figcaption></figure>`;
}

/** A square above the bar in the verdict's colour (crossed for an outage), at the top of the chart. */
function verdictMark(run: HistoryEntry, x: number, width: number): string {
  const colour = VERDICT_COLOURS[run.verdict];
  // Well above the bars (a gap of more than its height), so it never reads as a segment of them.
  const y = 4;
  const mark = `<rect class="verdict-mark" data-verdict="${esc(run.verdict)}" x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${MARK}" fill="${colour}"/>`;
  if (run.verdict !== OUTAGE) return mark;
  return `${mark}<path d="M${x.toFixed(1)} ${y}l${width.toFixed(1)} ${MARK}M${x.toFixed(1)} ${y + MARK}l${width.toFixed(1)} -${MARK}" stroke="#fff" stroke-width="1.5"/>`;
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
