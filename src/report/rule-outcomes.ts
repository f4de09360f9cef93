/**
 * What a run says about each rule of the register: its findings (a finding's code is its rule id) and
 * the outcome of the checks that enforce it. A rule whose checks did not run is "skip", never "pass";
 * planned and uncheckable rules say so.
 */
import { type CheckResult, RESTORE_RESULT_ID, type RunResult } from "../conformance/runner.js";
import { register as committed, enforcementOf, type Register, type Rule } from "../rules/register.js";

export type RuleOutcome = "pass" | "fail" | "skip" | "error" | "planned" | "uncheckable";

export interface RuleResult {
  id: string;
  outcome: RuleOutcome;
  /** Ids of the checks (or the runner's restore) whose run decides the outcome. */
  checks: string[];
  findings: number;
}

export function ruleOutcomes(result: RunResult, reg: Register = committed): RuleResult[] {
  const findingsByCode = new Map<string, number>();
  for (const finding of result.checks.flatMap((check) => check.findings)) {
    findingsByCode.set(finding.code, (findingsByCode.get(finding.code) ?? 0) + 1);
  }
  return reg.rules.map((rule) => {
    const deciding = decidingChecks(rule, result.checks);
    const findings = findingsByCode.get(rule.id) ?? 0;
    return { id: rule.id, outcome: outcomeOf(rule, deciding, findings), checks: deciding.map((check) => check.id), findings };
  });
}

function decidingChecks(rule: Rule, checks: readonly CheckResult[]): CheckResult[] {
  switch (enforcementOf(rule)) {
    case "checks":
      return checks.filter((check) => rule.checks?.includes(check.id));
    case "every-response":
      return checks.filter((check) => check.id !== RESTORE_RESULT_ID);
    case "runner":
      return rule.id === "restore-failed" ? checks.filter((check) => check.id === RESTORE_RESULT_ID) : [...checks];
    default:
      return [];
  }
}

function outcomeOf(rule: Rule, deciding: readonly CheckResult[], findings: number): RuleOutcome {
  const how = enforcementOf(rule);
  if (how === "planned" || how === "uncheckable") return how;
  if (findings > 0) return "fail";
  if (deciding.some((check) => check.outcome === "error")) return "error";
  return deciding.some((check) => check.outcome === "pass" || check.outcome === "fail") ? "pass" : "skip";
}
