/**
 * The latency budgets of the generated bodies and the model-based run: on a slow API each sends fewer of
 * its units (bodies, sequences), so that their waits on the target take about a fixed time. The units sent
 * are the first the seed generates, and a cut count is pinned in the run's replay line, so the seed still
 * replays the run.
 */
import type { CheckContext } from "./context.js";

export interface LatencyBudget {
  /** About how long the units' waits may take. */
  budgetMs: number;
  /** How many times a unit waits on the target, on average (measured). */
  waitsPerUnit: number;
  /** The fewest units the budget leaves, at any latency. */
  floor: number;
}

/**
 * The latency a budget is for: the fastest answer of the run so far (the distance to the API, without what
 * a busy machine or a slow query adds); 0 on the embedded provider, which is in this process and never cut.
 */
export function budgetLatency(ctx: CheckContext): number | undefined {
  return ctx.target.embedded ? 0 : ctx.services.latency.fastest();
}

/** Of `full` units, how many fit the budget at this latency (never fewer than its floor), and whether that cut them. */
export function fitToBudget(full: number, budget: LatencyBudget, latencyMs: number | undefined): { count: number; cut: boolean } {
  const fit = Math.floor(budget.budgetMs / (Math.max(1, latencyMs ?? 0) * budget.waitsPerUnit));
  const count = Math.min(full, Math.max(budget.floor, fit));
  return { count, cut: count < full };
}

/** What a note adds when the budget cut the count. */
export function cutNote(full: number, latencyMs: number | undefined): string {
  return ` (of ${full}: cut to the latency budget, ${Math.round(latencyMs ?? 0)} ms a request)`;
}
