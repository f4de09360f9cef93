/**
 * report.html: one self-contained page (inline CSS, no scripts, no external assets) a person can
 * open from a CI artifact. Findings first, then the coverage matrix (operation × documented status),
 * then every check with its outcome.
 */

import { countOutcomes, type RunResult } from "../conformance/runner.js";
import { documentedStatuses, type SpecDocument } from "../spec/document.js";
import { renderRegisterSection } from "./register-section.js";

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f}h1{font-size:1.4rem}
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #d0d0d5;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f6}code{font:12px ui-monospace,monospace;word-break:break-all}.pass{background:#e6f6ea}.fail,.error{background:#fde8e8}
.skip{background:#fff6db}.none{color:#8a8a8f}.summary span{margin-right:1.2rem;font-weight:600}`;

export function renderHtml(result: RunResult, spec: SpecDocument): string {
  const counts = countOutcomes(result);
  const findings = result.checks.flatMap((check) => check.findings.map((f) => ({ check, f })));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tenant API conformance</title><style>${STYLE}</style></head>
<body>
<h1>Tenant API conformance</h1>
<p>${esc(result.target.baseUrl)} · ${result.target.embedded ? "embedded reference provider" : "live target"} · ${result.target.writes ? "writes allowed" : esc(`read-only: ${result.target.writesDenied ?? ""}`)} · started ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(2)} s</p>
${renderRunState(result)}<p class="summary"><span>${counts.pass} passed</span><span>${counts.fail} failed</span><span>${counts.skip} skipped</span><span>${counts.error} errors</span><span>${counts.findings} findings</span></p>
<h2>Findings</h2>
${
  findings.length === 0
    ? "<p>None.</p>"
    : `<table><tr><th>check</th><th>operation</th><th>status</th><th>pointer</th><th>expected</th><th>actual</th><th>rule / schema</th></tr>
${findings.map(({ check, f }) => `<tr class="fail"><td><code>${esc(check.id)}</code></td><td>${esc(f.operationId)}</td><td>${f.status ?? "—"}</td><td><code>${esc(f.pointer || "/")}</code></td><td>${esc(f.expected)}</td><td>${esc(f.actual)}</td><td><code>${esc(f.code)}</code>${f.schemaPath ? `<br><code>${esc(f.schemaPath)}</code>` : ""}</td></tr>`).join("\n")}</table>`
}
<h2>Coverage: operation × documented status</h2>
${renderCoverage(result, spec)}
${renderRegisterSection(result)}
<h2>Checks</h2>
<table><tr><th>outcome</th><th>check</th><th>rule</th><th>requests</th></tr>
${result.checks.map((c) => `<tr class="${c.outcome}"><td>${c.outcome}</td><td><code>${esc(c.id)}</code></td><td>${esc(c.title)}${c.reason ? `<br><em>${esc(c.reason)}</em>` : ""}</td><td>${c.requests}</td></tr>`).join("\n")}
</table>
</body></html>
`;
}

/** The run's own state, above everything: interrupted, and a restore that failed with what to do about it. */
function renderRunState(result: RunResult): string {
  const lines: string[] = [];
  if (result.interrupted) lines.push(`<strong>Interrupted by ${esc(result.interrupted)}</strong>: checks it did not reach are skipped.`);
  const restore = result.restore;
  if (restore && !restore.verified) {
    const command = restore.command ? ` Restore it with: <code>${esc(restore.command)}</code>` : "";
    lines.push(
      `<strong>Not restored</strong>: ${esc(restore.message)}. Before the writes: <code>${esc(JSON.stringify(restore.snapshot))}</code>.${command}`,
    );
  }
  return lines.map((line) => `<p class="fail">${line}</p>\n`).join("");
}

function renderCoverage(result: RunResult, spec: SpecDocument): string {
  const ops = [...spec.operations.values()];
  const statuses = [...new Set(ops.flatMap(documentedStatuses))].sort((a, b) => a - b);
  const seen = new Map(result.coverage.map((cell) => [`${cell.operationId} ${cell.status}`, cell]));
  const rows = ops.map((op) => {
    const documented = new Set(documentedStatuses(op));
    const cells = statuses.map((status) => {
      if (!documented.has(status)) return `<td class="none">n/a</td>`;
      const cell = seen.get(`${op.operationId} ${status}`);
      if (!cell || cell.seen === 0) return `<td class="skip">not exercised</td>`;
      const cls = cell.clean === cell.seen ? "pass" : "fail";
      return `<td class="${cls}">${cell.seen}× (${cell.clean} valid)</td>`;
    });
    return `<tr><th>${esc(op.operationId)}<br><code>${op.method} ${esc(op.pathTemplate)}</code></th>${cells.join("")}</tr>`;
  });
  const undocumented = result.coverage.filter((cell) => !cell.documented);
  const extra =
    undocumented.length === 0
      ? ""
      : `<p>Undocumented statuses received: ${undocumented.map((c) => `${esc(c.operationId)} ${c.status} (${c.seen}×)`).join(", ")}</p>`;
  return `<table><tr><th>operation</th>${statuses.map((s) => `<th>${s}</th>`).join("")}</tr>\n${rows.join("\n")}</table>${extra}`;
}

function esc(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
