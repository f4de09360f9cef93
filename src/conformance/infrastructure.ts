/**
 * The infrastructure's answers in a run: a gateway's 502/503/504 page, a rate limiter's 429, a proxy's 407
 * (src/http/gateway.ts decides which exchanges those are). Such an answer says nothing about the API, so a
 * check that gets one is NOT RUN (never passed, never a finding), and the run counts them by source and
 * status so the summary and the verdict can say "the gateway answered 503 to 14 requests".
 */
import type { InfrastructureAnswer, InfrastructureSource } from "../http/gateway.js";
import { CheckSkipped } from "./check.js";

/**
 * Thrown by CheckContext when the infrastructure answered in place of the API. It is a CheckSkipped, so a
 * check needs no change to be reported not run; the runner keeps findings the check made before it.
 */
export class InfrastructureAnswered extends CheckSkipped {
  constructor(readonly answer: InfrastructureAnswer) {
    super(`not run: ${answer.reason}, not the API`);
  }
}

/** How many final answers (after the transport's resends) one part of the infrastructure gave with one status. */
export interface InfrastructureCount {
  source: InfrastructureSource;
  status?: number;
  requests: number;
}

export class InfrastructureLog {
  private readonly counts = new Map<string, InfrastructureCount>();

  record(answer: InfrastructureAnswer): void {
    const key = `${answer.source} ${answer.status ?? ""}`;
    const count = this.counts.get(key) ?? {
      source: answer.source,
      ...(answer.status === undefined ? {} : { status: answer.status }),
      requests: 0,
    };
    count.requests += 1;
    this.counts.set(key, count);
  }

  all(): InfrastructureCount[] {
    return [...this.counts.values()].sort((a, b) => b.requests - a.requests);
  }
}

const WHO: Record<InfrastructureSource, string> = { gateway: "the gateway", "rate-limiter": "a rate limiter", proxy: "the proxy" };

/** `the gateway answered 503 to 14 requests` */
export function describeInfrastructure(count: InfrastructureCount): string {
  const status = count.status === undefined ? "" : ` ${count.status}`;
  return `${WHO[count.source]} answered${status} to ${count.requests} request${count.requests === 1 ? "" : "s"}`;
}
