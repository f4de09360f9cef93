/**
 * Latency per operation: every response that arrived is recorded with the time it took (from the
 * first byte sent to the last byte read, retries included, as the client experiences it). Reports
 * show p50/p95/max per operation; the history keeps p50/p95 to draw trends.
 */

export interface LatencyRow {
  operationId: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export class LatencyLog {
  private readonly samples = new Map<string, number[]>();

  record(operationId: string, ms: number): void {
    const list = this.samples.get(operationId) ?? [];
    list.push(ms);
    this.samples.set(operationId, list);
  }

  /**
   * The fastest response so far, whatever its operation (undefined before the first): the distance to
   * the API, without what a busy machine, a cold connection or a slow query adds to some answers.
   */
  fastest(): number | undefined {
    const all = [...this.samples.values()].flat();
    return all.length === 0 ? undefined : Math.min(...all);
  }

  summary(): LatencyRow[] {
    return [...this.samples].map(([operationId, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return {
        operationId,
        requests: sorted.length,
        p50Ms: round(percentile(sorted, 50)),
        p95Ms: round(percentile(sorted, 95)),
        maxMs: round(sorted[sorted.length - 1] ?? 0),
      };
    });
  }
}

/** Nearest-rank percentile of an ascending list (the value at or below which p % of the samples lie). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
