/**
 * The HTML report's "docs → rules → checks → outcome" section: every sentence of the docs (from the
 * committed register), the rules it states, the checks that enforce each, and how they fared in this
 * run; then the rules no sentence states (HTTP, OpenAPI, the suite's own promises).
 */
import type { RunResult } from "../conformance/runner.js";
import { register as committed, enforcementOf, type Register, type Rule } from "../rules/register.js";
import { esc } from "./escape.js";
import { type RuleResult, ruleOutcomes } from "./rule-outcomes.js";

const SHOWN_CHECKS = 6;

export function renderRegisterSection(result: RunResult, reg: Register = committed): string {
  const outcomes = new Map(ruleOutcomes(result, reg).map((outcome) => [outcome.id, outcome]));
  const rules = new Map(reg.rules.map((rule) => [rule.id, rule]));
  // A rule named after a check has no title of its own: the check's title states it.
  const checkTitles = new Map(result.checks.map((check) => [check.id, check.title]));
  const row = (id: string) => ruleCells(rules.get(id), outcomes.get(id), id, checkTitles.get(id));
  const stated = reg.sentences.map((sentence) => {
    const [first = "", ...rest] = sentence.rules;
    const head = `<td rowspan="${sentence.rules.length}" title="${esc(sentence.id)}">${esc(sentence.text)}</td>`;
    return [`<tr>${head}${row(first)}</tr>`, ...rest.map((id) => `<tr>${row(id)}</tr>`)].join("\n");
  });
  const basisOnly = reg.rules
    .filter((rule) => rule.basis !== undefined && !reg.sentences.some((sentence) => sentence.rules.includes(rule.id)))
    .map((rule) => `<tr><td><em>${esc(rule.basis ?? "")}</em></td>${row(rule.id)}</tr>`);
  return `<h2>Docs → rules → checks → outcome</h2>
<p>Every sentence of the docs (src/rules/register.json), the rules it states, and the checks that enforce them in this run.</p>
<table><tr><th>docs sentence</th><th>rule</th><th>checks</th><th>outcome</th></tr>
${stated.join("\n")}
<tr><th colspan="4">Rules from HTTP, OpenAPI and the suite's own promises</th></tr>
${basisOnly.join("\n")}
</table>`;
}

function ruleCells(rule: Rule | undefined, outcome: RuleResult | undefined, id: string, checkTitle: string | undefined): string {
  const text = rule?.title ?? checkTitle;
  const title = text ? `<br>${esc(text)}` : "";
  const status = outcome?.outcome ?? "skip";
  const css = status === "planned" || status === "uncheckable" ? "none" : status;
  const findings = outcome && outcome.findings > 0 ? ` (${outcome.findings} finding${outcome.findings === 1 ? "" : "s"})` : "";
  return `<td><code>${esc(id)}</code>${title}</td><td>${enforcedBy(rule, outcome)}</td><td class="${css}">${status}${findings}</td>`;
}

function enforcedBy(rule: Rule | undefined, outcome: RuleResult | undefined): string {
  if (rule === undefined) return "not in the register";
  switch (enforcementOf(rule)) {
    case "checks": {
      const ids = rule.checks ?? [];
      const shown = ids.slice(0, SHOWN_CHECKS).map((id) => `<code>${esc(id)}</code>`);
      const more = ids.length > SHOWN_CHECKS ? ` and ${ids.length - SHOWN_CHECKS} more` : "";
      const ran = outcome ? ` <em>(${outcome.checks.length} in this run)</em>` : "";
      return `${shown.join(", ")}${more}${ran}`;
    }
    case "every-response":
      return "every response of every check (src/conformance/inspect.ts)";
    case "runner":
      return "the runner (src/conformance/runner.ts)";
    case "planned":
      return `planned: ${esc(rule.planned ?? "")}`;
    case "uncheckable":
      return `cannot be checked from outside: ${esc(rule.uncheckable ?? "")}`;
  }
}
