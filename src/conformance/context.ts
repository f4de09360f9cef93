/**
 * What a check sees while it runs: the three operations as calls that are inspected automatically,
 * the personas' Authorization headers, and a way to record a finding. One CheckContext per check,
 * so findings and request counts belong to exactly one check.
 *
 * A check fails only for its own rule. What the every-response checks find in a response (schema,
 * documented status, media type, slowness) goes to the run-level results of those rules, naming
 * the check that sent the request; only a request that got no whole response at all (timeout,
 * reset, oversized body) is the check's own finding, because then it could not assert anything.
 * An answer of the infrastructure (a gateway's page, a 429: src/http/gateway.ts) is no answer of the API:
 * it is judged under no rule and throws InfrastructureAnswered, so the check is reported not run.
 */
import { isDeepStrictEqual } from "node:util";
import { ENV } from "../config/settings.js";
import { type Finding, finding } from "../findings/finding.js";
import type { LatencyLog } from "../findings/latency.js";
import { type Reproduction, reproduction, type SecretVariable } from "../findings/reproduce.js";
import type { Exchange, HttpRequest, HttpTransport } from "../http/transport.js";
import type { Redactor } from "../redaction.js";
import { operation, type SpecDocument } from "../spec/document.js";
import type { OperationId } from "../spec/types.js";
import { preview, typeName } from "../validation/problems.js";
import type { SpecValidators } from "../validation/validators.js";
import type { Coverage } from "./coverage.js";
import { InfrastructureAnswered } from "./infrastructure.js";
import { inspectExchange } from "./inspect.js";
import type { Observations } from "./invariants/observations.js";
import type { TargetHistory } from "./safety/history.js";
import { throwIfInterrupted } from "./safety/interrupt.js";
import type { Target } from "./target.js";

/** A response as the check sees it, already inspected by the every-response checks. */
export interface Observed {
  operationId: OperationId;
  exchange: Exchange;
  status?: number;
  body: unknown;
  /** True when the response arrived whole and passed every every-response check. */
  clean: boolean;
  /** How to send this request again. */
  reproduce: Reproduction;
}

/** A PATCH body: a value to send as JSON, or raw text (for malformed JSON). */
export type PatchBody = { json: unknown } | { raw: string };

export interface RunServices {
  target: Target;
  transport: HttpTransport;
  validators: SpecValidators;
  spec: SpecDocument;
  coverage: Coverage;
  /** Seed and count for the generated-body check and the model-based run. */
  generated: GeneratedRun;
  /** Reads and refused probes in flight at once (plan.ts; default DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /** Consecutive requests that got no response at all: the runner stops when the target is down. */
  health: { consecutiveFailures: number; patchesSent: number };
  /** Aborted by SIGINT/SIGTERM: from then on no request starts (each call throws Interrupted). */
  signal?: AbortSignal;
  /** Findings of the every-response rules, from every check's requests (each names its check). */
  everyResponse: Finding[];
  latency: LatencyLog;
  /** A response slower than this is a `response-time` finding; undefined: no limit. */
  maxResponseMs?: number;
  /** Every answer of the run, by persona and data version, for the invariants (src/conformance/invariants/). */
  observations?: Observations;
  /** Set for the model-based run's requests: their PATCHes count as writes, their answers are not kept for the invariants. */
  answersNotObserved?: boolean;
  /** Cleans server text in reproductions: one for the run, since building its index costs milliseconds. */
  redactor?: Redactor;
  /** What this run sent to and saw of the target org, raw, for the restore (src/conformance/safety/history.ts). */
  history?: TargetHistory;
}

/**
 * What replays the run's random parts: the seed, the generated bodies' count, and the counts the latency
 * budgets may cut, when pinned (`--generated-bodies`, `--model-sequences`) or cut: the generated bodies
 * and the model run each set theirs when their budget cuts it, so the run's replay line pins what was run.
 */
export interface GeneratedRun {
  seed: number;
  runs: number;
  modelSequences?: number;
  /** Of the `runs` bodies fast-check generates for the seed, the first this many are sent. */
  generatedBodies?: number;
}

/** The rule of a response that took longer than --max-response-ms. */
export const RESPONSE_TIME_RULE = "response-time";

export class CheckContext {
  readonly findings: Finding[] = [];
  /** Facts worth reporting that are not findings (a seed to replay, a count). */
  readonly notes: string[] = [];
  requests = 0;
  /** Why the check could not judge its rule (a response it needed was not usable); set: skipped, never passed. */
  cannotJudge?: string;

  readonly checkId: string;
  /** The operation a finding is about when it is not tied to one response. */
  private readonly operationId: OperationId;

  constructor(
    check: { id: string; operationId: OperationId },
    readonly services: RunServices,
  ) {
    this.checkId = check.id;
    this.operationId = check.operationId;
  }

  get target(): Target {
    return this.services.target;
  }

  /** `Bearer <token>` of a persona; throws when a check runs without a persona it declared. */
  bearer(persona: keyof Target["tokens"]): string {
    const token = this.target.tokens[persona];
    if (token === undefined) throw new Error(`check ${this.checkId} needs the ${persona} persona`);
    return `Bearer ${token}`;
  }

  /** The org under test; checks that need it declare it, so it is present when they run. */
  get orgId(): string {
    if (this.target.orgId === undefined) throw new Error(`check ${this.checkId} needs an organization`);
    return this.target.orgId;
  }

  // `authorization`: omitted means the owner's token; null sends no Authorization header at all.
  list(authorization: string | null = this.bearer("owner")): Promise<Observed> {
    return this.call("listUserOrganizations", { method: "GET", path: "/api/v1/orgs", authorization });
  }

  get(orgId: string, authorization: string | null = this.bearer("owner")): Promise<Observed> {
    return this.call("getOrganization", { method: "GET", path: orgPath(orgId), authorization }, orgId);
  }

  patch(orgId: string, body: PatchBody, authorization: string | null = this.bearer("owner")): Promise<Observed> {
    const text = "raw" in body ? body.raw : JSON.stringify(body.json);
    return this.call("updateOrganization", { method: "PATCH", path: orgPath(orgId), authorization, body: text }, orgId);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /**
   * Whether a response can be judged by this check: it arrived whole and passed the every-response
   * rules. When it did not, those rules already report it, and this check records that it could not judge.
   */
  usable(observed: Observed): boolean {
    if (!observed.clean && observed.status !== undefined) {
      this.couldNotJudge(`a ${observed.operationId} ${observed.status} response broke an every-response rule (see that rule's findings)`);
    }
    return observed.clean;
  }

  /** Marks the check as unable to judge: without findings of its own it is reported skipped with `reason`. */
  couldNotJudge(reason: string): void {
    this.cannotJudge ??= reason;
  }

  /** Records a finding of this check's rule. */
  fail(observed: Observed | undefined, fields: { pointer?: string; expected: string; actual: string; code?: string }): void {
    const op = operation(this.services.spec, observed?.operationId ?? this.operationId);
    this.findings.push(
      finding({
        code: fields.code ?? this.checkId,
        operationId: op.operationId,
        method: op.method,
        pathTemplate: op.pathTemplate,
        status: observed?.status,
        pointer: fields.pointer ?? "",
        expected: fields.expected,
        actual: fields.actual,
        check: this.checkId,
        ...(observed ? { reproduce: observed.reproduce } : {}),
      }),
    );
  }

  /** The status must be one of `allowed`; a transport failure was already reported by inspection. */
  expectStatus(observed: Observed, allowed: readonly number[]): boolean {
    if (observed.status === undefined || observed.exchange.failure) return false;
    if (allowed.includes(observed.status)) return true;
    this.fail(observed, { expected: `status ${allowed.join(" or ")}`, actual: `status ${observed.status}` });
    return false;
  }

  /** A value in the body must equal `expected` exactly (no trimming, escaping or normalising). */
  expectValue(observed: Observed, pointer: string, actual: unknown, expected: unknown, what = "", code?: string): boolean {
    if (isDeepStrictEqual(actual, expected)) return true;
    this.fail(observed, { pointer, expected: `${what}${preview(expected)}`, actual: describeValue(actual), code });
    return false;
  }

  private async call(
    operationId: OperationId,
    request: Omit<HttpRequest, "authorization"> & { authorization: string | null },
    orgId?: string,
  ): Promise<Observed> {
    throwIfInterrupted(this.services.signal);
    this.requests += 1;
    const { observations } = this.services;
    const isPatch = request.method === "PATCH";
    const keep = this.services.answersNotObserved !== true;
    const pending = observations?.begin({ operationId, orgId, authorization: request.authorization, isPatch, keep });
    const sent: HttpRequest = { ...request, authorization: request.authorization ?? undefined };
    const exchange = await this.services.transport.send(sent);
    const { health } = this.services;
    if (request.method === "PATCH") health.patchesSent += 1;
    this.services.history?.record(operationId, sent, orgId, exchange);
    if (exchange.infrastructure !== undefined) {
      // Not the API's answer: judged under no rule, kept for no invariant, and the check is not run.
      if (pending) observations?.abandon(pending);
      throw new InfrastructureAnswered(exchange.infrastructure);
    }
    health.consecutiveFailures = exchange.failure ? health.consecutiveFailures + 1 : 0;
    const op = operation(this.services.spec, operationId);
    // Built when a finding or a check asks for it: most answers never need one, and building it (a curl
    // with every secret replaced) was a tenth of a whole run's CPU.
    let built: Reproduction | undefined;
    const reproduce = () => {
      built ??= reproduction(sent, exchange, secretVariables(this.target), this.services.redactor);
      return built;
    };
    const found = inspectExchange(exchange, op, this.services.validators).map((f) => ({
      ...f,
      check: this.checkId,
      reproduce: reproduce(),
    }));
    // No whole response: the check could not assert its rule, so this is its own finding.
    (exchange.failure ? this.findings : this.services.everyResponse).push(...found);
    this.services.coverage.record(operationId, exchange.status, found.length === 0);
    if (exchange.status !== undefined) {
      this.services.latency.record(operationId, exchange.durationMs);
      this.checkResponseTime(op, exchange.status, exchange.durationMs, reproduce);
    }
    const observed: Observed = {
      operationId,
      exchange,
      status: exchange.status,
      body: exchange.json,
      clean: found.length === 0,
      get reproduce() {
        return reproduce();
      },
    };
    if (pending) observations?.end(pending, observed);
    return observed;
  }

  private checkResponseTime(
    op: { operationId: string; method: string; pathTemplate: string },
    status: number,
    ms: number,
    reproduce: () => Reproduction,
  ): void {
    const limit = this.services.maxResponseMs;
    if (limit === undefined || ms <= limit) return;
    this.services.everyResponse.push(
      finding({
        code: RESPONSE_TIME_RULE,
        operationId: op.operationId,
        method: op.method,
        pathTemplate: op.pathTemplate,
        status,
        pointer: "",
        expected: `a response within ${limit} ms`,
        actual: `${Math.round(ms)} ms`,
        check: this.checkId,
        reproduce: reproduce(),
      }),
    );
  }
}

/** The variable each persona's secret is read from, so reproductions say `$TENANT_API_TOKEN`, never the token. */
function secretVariables(target: Target): SecretVariable[] {
  // A Record over every persona: a new persona fails typecheck here until its variable is named.
  const variables: Record<keyof Target["tokens"], string> = {
    owner: ENV.token,
    member: ENV.memberToken,
    outsider: ENV.outsiderToken,
    inferenceKey: ENV.inferenceKey,
    admin: ENV.adminToken,
    foreignOwner: ENV.foreignToken,
  };
  const all = Object.entries(variables).map(([persona, variable]) => ({
    value: target.tokens[persona as keyof Target["tokens"]],
    variable,
  }));
  return all.filter((s): s is SecretVariable => s.value !== undefined && s.value !== "");
}

export function orgPath(orgId: string): string {
  return `/api/v1/orgs/${encodeURIComponent(orgId)}`;
}

export function describeValue(value: unknown): string {
  return value === undefined ? "absent" : `${typeName(value)} ${preview(value)}`;
}
