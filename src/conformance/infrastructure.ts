/**
 * The infrastructure's answers in a run: a gateway's 502/503/504 page, a rate limiter's 429, a proxy's 407
 * (src/http/gateway.ts decides which exchanges those are). Such an answer says nothing about the API, so a
 * check that gets one is NOT RUN (never passed, never a finding); the transport counts them by source and
 * status (src/http/infrastructure-report.ts) so the summary and the verdict can say "the gateway answered 503
 * to 14 requests".
 */
import type { InfrastructureAnswer } from "../http/gateway.js";
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
