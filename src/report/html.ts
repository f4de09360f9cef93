/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets) a person
 * can open from a CI artifact. It opens with the verdict, the seed and the replay command; then the
 * findings (one per fingerprint, marked new, unchanged or known, each with its reproduction folded
 * under it), fixed findings and stale known issues, the latency of this run, the trends from the
 * history, the coverage matrix (operation × documented status), and every check with its outcome.
 */

import { countOutcomes, resultParts } from "../conformance/runner.js";
import { describeComparison, type TriagedFinding, type TriagedRun } from "../findings/triage.js";
import { NO_DEPLOYED_API, verdictTitle } from "../findings/verdict.js";
import { describeInfrastructure } from "../http/infrastructure-report.js";
import { documentedStatuses, type SpecDocument } from "../spec/document.js";
import { esc } from "./escape.js";
import { renderRegisterSection } from "./register-section.js";
import { replayCommand } from "./replay.js";
import { describeResults } from "./result-parts.js";
import { renderTrends } from "./trends.js";

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f}h1{font-size:1.4rem}
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #d0d0d5;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f6}code,pre{font:12px ui-monospace,monospace}pre{white-space:pre-wrap;overflow-wrap:anywhere}
.id{white-space:nowrap}.path{overflow-wrap:break-word}.pass{background:#e6f6ea}.fail,.error{background:#fde8e8}
.skip{background:#fff6db}.none{color:#8a8a8f}.summary span{margin-right:1.2rem;font-weight:600}
.verdict{padding:.8rem 1rem;border-radius:6px;font-size:1.1rem}.verdict strong{font-size:1.4rem;margin-right:.6rem}
.verdict-PASS{background:#e6f6ea}.verdict-FAIL{background:#fde8e8}.verdict-INCOMPLETE{background:#fff6db}.verdict-OUTAGE{background:#ececef}
.state{font-weight:700;font-size:.75rem;padding:0 .35rem;border-radius:3px}.state-new{background:#d64545;color:#fff}
.state-unchanged{background:#ccc}.state-known{background:#e0b43a}details{margin:.3rem 0}
details.cause{border:1px solid #d0d0d5;border-radius:6px;padding:.3rem .6rem;margin:.6rem 0}details.cause>summary{cursor:pointer;font-weight:600}
details.cause table{margin:.5rem 0}.runs td{white-space:nowrap}`;

export function renderHtml(result: TriagedRun, spec: SpecDocument): string {
  const counts = countOutcomes(result);
  const { triage } = result;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tenant API conformance</title><style>${STYLE}</style></head>
<body>
<h1>Tenant API conformance</h1>
${renderVerdict(result)}
<p>${esc(result.target.baseUrl)} · ${result.target.embedded ? "embedded reference provider" : "live target"} · ${result.target.writes ? "writes allowed" : esc(`read-only: ${result.target.writesDenied ?? ""}`)} · started ${esc(result.startedAt)} · ${(result.durationMs / 1000).toFixed(2)} s</p>
${renderRunState(result)}<p class="summary"><span class="results">${esc(describeResults(resultParts(result)))}:</span><span>${counts.pass} passed</span><span>${counts.fail} failed</span><span>${counts.skip} skipped</span><span>${counts.error} errors</span><span>${triage.findings.length} findings</span></p>
<h2 id="findings">Findings</h2>
<p class="comparison">${esc(describeComparison(triage))}${triage.baseline ? ` (baseline <code>${esc(triage.baseline)}</code>)` : triage.noBaselineYet ? ` (${esc(triage.noBaselineYet)})` : ""}</p>
${renderFindings(triage.findings)}
${renderFixedAndStale(result)}
<h2 id="latency">Latency of this run</h2>
${renderLatency(result)}
<h2 id="trends">Trends</h2>
${renderTrends(result.history)}
<h2>Coverage: operation × documented status</h2>
${renderCoverage(result, spec)}
${renderRegisterSection(result)}
<h2>Checks</h2>
<table class="checks"><tr><th>outcome</th><th>check</th><th>rule</th><th>requests</th></tr>
${result.checks.map((c) => `<tr class="${c.outcome}" data-check="${esc(c.id)}"><td>${c.outcome}</td><td><code class="id">${esc(c.id)}</code></td><td>${esc(c.title)}${c.reason ? `<br><em>${esc(c.reason)}</em>` : ""}</td><td>${c.requests}</td></tr>`).join("\n")}
</table>
</body></html>
`;
}

/** The run's own state, above everything: interrupted, and a restore that failed with what to do about it. */
function renderRunState(result: TriagedRun): string {
  const lines: string[] = [];
  if (result.interrupted) lines.push(`<strong>Interrupted by ${esc(result.interrupted)}</strong>: checks it did not reach are skipped.`);
  if (result.infrastructure) {
    const notRun = result.checks.filter((check) => check.byInfrastructure).length;
    const checks = notRun === 0 ? "" : `; ${notRun} check${notRun === 1 ? "" : "s"} it answered not run`;
    const said = describeInfrastructure(result.infrastructure);
    lines.push(`<strong>The infrastructure answered in place of the API</strong>: ${esc(said)}${esc(checks)}.`);
  }
  const restore = result.restore;
  if (restore && !restore.verified) {
    const command = restore.command ? ` Restore it with: <code>${esc(restore.command)}</code>` : "";
    lines.push(
      `<strong>Not restored</strong>: ${esc(restore.message)}. Before the writes: <code>${esc(JSON.stringify(restore.snapshot))}</code>.${command}`,
    );
  }
  return lines.map((line) => `<p class="fail">${line}</p>\n`).join("");
}

function renderVerdict(run: TriagedRun): string {
  const { verdict } = run.triage;
  const reasons = verdict.reasons.length > 0 ? `<span class="reasons">${esc(verdict.reasons.join("; "))}</span>` : "";
  const gate = verdict.failsOnSkip ? `<p>--fail-on-skip: the gate fails.</p>` : "";
  const embedded = verdict.deployedApiTested ? "" : `<p class="no-deployed-api"><strong>${esc(NO_DEPLOYED_API)}.</strong></p>`;
  return `<section id="verdict" class="verdict verdict-${verdict.outcome}" data-verdict="${verdict.outcome}"${verdict.selection ? ' data-scope="selection"' : ""}><strong>${esc(verdictTitle(verdict))}</strong>${reasons}${gate}${embedded}
<p>Seed <code class="seed">${run.generated.seed}</code> · replay: <code class="replay">${esc(replayCommand(run))}</code></p></section>`;
}

/**
 * Findings grouped by root cause: one bad schema rule (a property missing from every error body, a status
 * outside the enum) shows in every operation and status that carries it, one finding each. A group is one
 * broken rule at one place of the spec (or, without a schema, one rule at one field with one expectation),
 * folded under a line that says how many findings and occurrences it holds; each finding keeps its row.
 */
function renderFindings(findings: readonly TriagedFinding[]): string {
  if (findings.length === 0) return "<p>None.</p>";
  return causes(findings).map(renderCause).join("\n");
}

function causes(findings: readonly TriagedFinding[]): TriagedFinding[][] {
  const groups = new Map<string, TriagedFinding[]>();
  for (const f of findings) {
    const leaf = f.pointer.split("/").at(-1) ?? "";
    // What generated input showed (a counterexample and what it broke) is one cause: that check's failure.
    const key = JSON.stringify(f.inputClass ? ["generated", f.checks[0]] : [f.rule, f.schemaPath ?? [leaf, f.expected]]);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

function renderCause(group: readonly TriagedFinding[]): string {
  const [first] = group as [TriagedFinding];
  const occurrences = group.reduce((sum, f) => sum + f.occurrences, 0);
  const states = [...new Set(group.map((f) => f.state))].map((state) => `<span class="state state-${state}">${state}</span>`).join(" ");
  const count = `${group.length} finding${group.length === 1 ? "" : "s"}, ${occurrences} occurrence${occurrences === 1 ? "" : "s"}`;
  const failing = group.some((f) => f.failsGate);
  return `<details class="cause ${failing ? "fail" : "skip"}" data-rule="${esc(first.rule)}" data-findings="${group.length}"${failing ? " open" : ""}>
<summary>${states} ${causeTitle(first)} — ${count}</summary>
<table class="findings"><tr><th>state</th><th>rule / schema</th><th>operation</th><th>status</th><th>pointer</th><th>expected</th><th>actual</th><th>seen</th></tr>
${group.map(renderFindingRows).join("\n")}</table></details>`;
}

/** `response-schema #/components/…/required: property "code"`, or the check whose generated input failed. */
function causeTitle(f: TriagedFinding): string {
  if (f.inputClass) return `what the generated input of <code class="id">${esc(f.checks[0] ?? f.rule)}</code> showed`;
  return `<code class="id">${esc(f.rule)}</code> ${path(f.schemaPath ?? (f.pointer || "/"))}: ${esc(f.expected)}`;
}

function renderFindingRows(f: TriagedFinding): string {
  const issue = f.knownIssue
    ? `<br><em>known issue${f.knownIssue.expired ? " (expired)" : ""} until ${esc(f.knownIssue.until)}: ${esc(f.knownIssue.reason)}</em>`
    : "";
  const inputClass = f.inputClass ? `<br><em class="input-class">${esc(f.inputClass)}</em>` : "";
  return `<tr class="finding ${f.failsGate ? "fail" : "skip"}" data-fingerprint="${esc(f.fingerprint)}" data-state="${f.state}" data-rule="${esc(f.rule)}">
<td><span class="state state-${f.state}">${f.state}</span></td><td><code class="id">${esc(f.rule)}</code>${f.schemaPath ? `<br>${path(f.schemaPath)}` : ""}${inputClass}</td><td class="id">${esc(f.operationId)}</td><td>${f.status ?? "—"}</td><td>${path(f.pointer || "/")}</td>
<td>${esc(f.expected)}</td><td>${esc(f.actual)}</td><td>${f.occurrences}× in ${f.checks.map((c) => `<code class="id">${esc(c)}</code>`).join(", ")}</td></tr>
<tr class="reproduce" data-fingerprint="${esc(f.fingerprint)}"><td colspan="8"><code class="fingerprint id">${esc(f.fingerprint)}</code>${issue}${renderReproduction(f)}</td></tr>`;
}

/** A JSON pointer or schema path that may wrap only after a slash, never inside a name. */
function path(text: string): string {
  return `<code class="path">${esc(text).replace(/(?!^)\//g, "/<wbr>")}</code>`;
}

function renderReproduction(f: TriagedFinding): string {
  const r = f.reproduce;
  if (!r) return ` <em>no single request reproduces it: see what arrived, above</em>`;
  const request = [`${r.request.method} ${r.request.url}`, ...Object.entries(r.request.headers).map(([k, v]) => `${k}: ${v}`)].join("\n");
  const response = r.response?.failure
    ? `no response: ${r.response.failure}`
    : `status ${r.response?.status ?? "?"} · ${r.response?.contentType ?? "no content type"}${r.response?.truncated ? " · body cut at 2 KB" : ""}\n${r.response?.bodyExcerpt ?? ""}`;
  return `<details class="reproduction"><summary>Reproduce</summary>
<p>Request</p><pre class="request">${esc(request)}${r.request.body === undefined ? "" : `\n\n${esc(r.request.body)}`}</pre>
<p>Response</p><pre class="response">${esc(response)}</pre>
<p>curl (set the variables first)</p><pre class="curl">${esc(r.curl)}</pre></details>`;
}

function renderFixedAndStale(run: TriagedRun): string {
  const { fixed, notRechecked, staleKnownIssues } = run.triage;
  const parts: string[] = [];
  if (notRechecked.length > 0) {
    parts.push(
      `<h3>Not rechecked (the checks that showed them did not run, so they are not fixed)</h3><ul class="not-rechecked">${notRechecked
        .map(
          (f) =>
            `<li data-fingerprint="${esc(f.fingerprint)}"><code>${esc(f.rule)}</code> ${esc(f.operationId)} ${f.status ?? "—"} <code>${esc(f.pointer || "/")}</code>: ${esc(f.expected)} (${(f.checks ?? [f.rule]).map((c) => `<code>${esc(c)}</code>`).join(", ")})</li>`,
        )
        .join("")}</ul>`,
    );
  }
  if (fixed.length > 0) {
    parts.push(
      `<h3>Fixed since the baseline</h3><ul class="fixed">${fixed
        .map(
          (f) =>
            `<li data-fingerprint="${esc(f.fingerprint)}"><code>${esc(f.rule)}</code> ${esc(f.operationId)} ${f.status ?? "—"} <code>${esc(f.pointer || "/")}</code>: ${esc(f.expected)}</li>`,
        )
        .join("")}</ul>`,
    );
  }
  if (staleKnownIssues.length > 0) {
    parts.push(
      `<h3>Stale known issues (they match no finding: remove them)</h3><ul class="stale">${staleKnownIssues
        .map(
          (i) =>
            `<li data-fingerprint="${esc(i.fingerprint)}"><code>${esc(i.fingerprint)}</code> until ${esc(i.until)}: ${esc(i.reason)}</li>`,
        )
        .join("")}</ul>`,
    );
  }
  return parts.join("\n");
}

function renderLatency(run: TriagedRun): string {
  if (run.latency.length === 0) return "<p>No responses.</p>";
  return `<table class="latency"><tr><th>operation</th><th>responses</th><th>p50 ms</th><th>p95 ms</th><th>max ms</th></tr>
${run.latency.map((l) => `<tr data-operation="${esc(l.operationId)}"><td>${esc(l.operationId)}</td><td>${l.requests}</td><td>${l.p50Ms}</td><td>${l.p95Ms}</td><td>${l.maxMs}</td></tr>`).join("\n")}</table>`;
}

function renderCoverage(result: TriagedRun, spec: SpecDocument): string {
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
