/**
 * What the infrastructure answered in place of the API during a run, counted by who and with what
 * status, so the run can say "the gateway answered 503 to 14 requests" instead of filing them.
 */
import type { InfrastructureAnswer, InfrastructureSource } from "./gateway.js";

export interface InfrastructureCount {
  source: InfrastructureSource;
  /** Absent for a proxy that refused the tunnel before any answer of the origin. */
  status?: number;
  /** Answers of this kind, every attempt counted. */
  answers: number;
  /** Requests that met it at least once. */
  requests: number;
  /** Requests whose final answer it was (not cleared by resends within their patience). */
  unresolved: number;
}

export interface InfrastructureReport {
  counts: InfrastructureCount[];
}

export class InfrastructureTally {
  private readonly counts = new Map<string, InfrastructureCount>();

  /** One request's story: every infrastructure answer it met, and its final one (undefined: the API's). */
  record(met: readonly InfrastructureAnswer[], final: InfrastructureAnswer | undefined): void {
    const seen = new Set<string>();
    for (const answer of met) {
      const count = this.countOf(answer);
      count.answers += 1;
      if (!seen.has(keyOf(answer))) count.requests += 1;
      seen.add(keyOf(answer));
    }
    if (final) this.countOf(final).unresolved += 1;
  }

  /** Undefined when the infrastructure never answered. */
  report(): InfrastructureReport | undefined {
    if (this.counts.size === 0) return undefined;
    const counts = [...this.counts.values()].map((count) => ({ ...count }));
    counts.sort((a, b) => b.requests - a.requests || a.source.localeCompare(b.source) || (a.status ?? 0) - (b.status ?? 0));
    return { counts };
  }

  private countOf(answer: InfrastructureAnswer): InfrastructureCount {
    const key = keyOf(answer);
    let count = this.counts.get(key);
    if (!count) {
      count = {
        source: answer.source,
        ...(answer.status === undefined ? {} : { status: answer.status }),
        answers: 0,
        requests: 0,
        unresolved: 0,
      };
      this.counts.set(key, count);
    }
    return count;
  }
}

function keyOf(answer: InfrastructureAnswer): string {
  return `${answer.source} ${answer.status ?? ""}`;
}

/** "the gateway answered 503 to 14 requests (30 answers; 2 never cleared)", one phrase per count. */
export function describeInfrastructure(report: InfrastructureReport): string {
  return report.counts
    .map((count) => {
      const who = count.source === "rate-limiter" ? "a rate limiter" : `the ${count.source}`;
      const what = count.status === undefined ? "refused the tunnel" : `answered ${count.status}`;
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
      const cleared = count.unresolved === 0 ? "every one resent and answered by the API" : `${count.unresolved} never cleared`;
      return `${who} ${what} to ${plural(count.requests, "request")} (${plural(count.answers, "answer")}; ${cleared})`;
    })
    .join("; ");
}
