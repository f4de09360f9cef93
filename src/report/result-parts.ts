/**
 * One way to say what a run's results are made of, wherever a total is printed (header, summary, JUnit,
 * report.html): "93 checks + 10 every-response rules + the restore". The catalog's checks are not the
 * only results: each every-response rule is one result, and so is the restore, so a bare "103 passed"
 * beside "Running 93 checks" read as a contradiction.
 */
import type { ResultParts } from "../conformance/runner.js";

export function describeParts(parts: Omit<ResultParts, "total">): string {
  const checks = `${parts.checks} check${parts.checks === 1 ? "" : "s"}`;
  return [checks, ...besideChecks(parts)].join(" + ");
}

/** The results that are not checks of the catalog: `["10 every-response rules", "the restore"]`. */
export function besideChecks(parts: Pick<ResultParts, "everyResponseRules" | "restore">): string[] {
  const rules = `${parts.everyResponseRules} every-response rule${parts.everyResponseRules === 1 ? "" : "s"}`;
  return [...(parts.everyResponseRules > 0 ? [rules] : []), ...(parts.restore > 0 ? ["the restore"] : [])];
}

/** `103 results (93 checks + 9 every-response rules + the restore)` */
export function describeResults(parts: ResultParts): string {
  return `${parts.total} results (${describeParts(parts)})`;
}
