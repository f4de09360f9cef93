/**
 * Runs the catalog against a target: read checks concurrently, then write checks in order (plan.ts
 * batches consecutive refusal checks) between a snapshot of the org (journalled) and its restoration,
 * then the invariants, then the bad-credential probes, which may lock an account (bad-credentials.ts).
 * A check the infrastructure answered (a gateway's page, a 429) is not run (infrastructure.ts).
 * Produces a RunResult: data that every reporter renders.
 */
import { type Finding, finding } from "../findings/finding.js";
import { LatencyLog, type LatencyRow } from "../findings/latency.js";
import type { InfrastructureReport } from "../http/infrastructure-report.js";
import type { RateLimitReport } from "../http/pacer.js";
import type { HttpTransport } from "../http/transport.js";
import { Redactor } from "../redaction.js";
import type { SpecDocument } from "../spec/document.js";
import type { SpecValidators } from "../validation/validators.js";
import { runBadCredentialProbes } from "./bad-credentials.js";
import { catalog } from "./catalog.js";
import { type Check, CheckSkipped, skipReason } from "./check.js";
import { CheckContext, type GeneratedRun, RESPONSE_TIME_RULE, type RunServices } from "./context.js";
import { Coverage, type CoverageCell } from "./coverage.js";
import { InfrastructureAnswered } from "./infrastructure.js";
import { Observations } from "./invariants/observations.js";
import { concurrencyOf, ONE_AT_A_TIME, runWriteChecks } from "./plan.js";
import { TargetHistory } from "./safety/history.js";
import { Interrupted, interruptionOf } from "./safety/interrupt.js";
import { organizationFields } from "./safety/org-fields.js";
import type { RestoreOutcome } from "./safety/restore.js";
import { type SnapshotSummary, summaryOf } from "./safety/snapshot.js";
import { endWrites, journalled, snapshotBeforeWrites, type WritePlan } from "./safety/write-phase.js";
import type { Target } from "./target.js";

export type Outcome = "pass" | "fail" | "skip" | "error";

export interface CheckResult {
  id: string;
  title: string;
  operationId: string;
  phase: Check["phase"];
  outcome: Outcome;
  /** Why a check was skipped or could not run. */
  reason?: string;
  /** Not run because the infrastructure answered in place of the API (a gateway's page, a 429 that never cleared). */
  byInfrastructure?: true;
  /** Skipped before any request, for what the settings lack (a persona, an org, leave to write, a write check selected). */
  planned?: boolean;
  findings: Finding[];
  /** Facts that are not findings, e.g. the seed of the generated bodies. */
  notes?: string[];
  requests: number;
  durationMs: number;
}

export interface RunResult {
  target: { baseUrl: string; embedded: boolean; writes: boolean; writesDenied?: string };
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  coverage: CoverageCell[];
  restore?: RestoreReport;
  /** Set when a signal stopped the run (e.g. "SIGINT"): checks it did not reach are skipped. */
  interrupted?: string;
  /** Response time per operation, of every response that arrived. */
  latency: LatencyRow[];
  /** Seed and counts of the generated bodies and the model run's sequences, to replay the run. */
  generated: GeneratedRun;
  /** The gateway's limits, when a request was refused (429, a gateway's 503; src/http/pacer.ts). */
  rateLimit?: RateLimitReport;
  /**
   * What the infrastructure (a gateway, a rate limiter, a proxy) answered in place of the API, by source and
   * status, resent answers included (src/http/infrastructure-report.ts). The checks it answered in the end
   * are marked `byInfrastructure`: not run, and the run incomplete (exit 2).
   */
  infrastructure?: InfrastructureReport;
  /** Set when --checks/--exclude-checks chose part of the catalog: the verdict holds for that part only. */
  selection?: Selection;
}

/** What --checks/--exclude-checks chose out of the catalog. */
export interface Selection {
  /** The flags as given, for the replay command: `["--checks", "a,b"]`. */
  args: string[];
  /** How many checks of the catalog were selected, and how many it has. */
  selected: number;
  total: number;
  /** The catalog's checks that were not selected (they did not run, so they prove nothing). */
  notSelected: string[];
}

/** The restore's outcome with what a person needs when it failed: the snapshot and the command. */
export interface RestoreReport extends RestoreOutcome {
  snapshot: SnapshotSummary;
  /** The command that restores the org from its journal; absent when there is no journal. */
  command?: string;
}

export interface RunOptions {
  target: Target;
  transport: HttpTransport;
  validators: SpecValidators;
  spec: SpecDocument;
  checks?: readonly Check[];
  /** Read checks in flight at once. */
  concurrency?: number;
  /** Where the snapshot goes before the first PATCH; undefined keeps it in memory only. */
  journalPath?: string;
  /** `--journal FILE`: where a copy of the journal goes too (the guard removes it with the record). */
  journalCopy?: string;
  /** The command that restores the org from that journal, printed when the restore fails. */
  restoreCommand?: string;
  /** Aborting stops every new request (checks not reached are skipped); the org is still restored. */
  signal?: AbortSignal;
  /** Seed and count of generated PATCH bodies (default: a fresh seed, DEFAULT_GENERATED_RUNS). */
  generated?: { seed?: number; runs?: number; modelSequences?: number; generatedBodies?: number };
  /** A response slower than this is a `response-time` finding. */
  maxResponseMs?: number;
  /** Cleans server text in reproductions (the CLI passes the one that knows every secret); default: one for the target's tokens. */
  redactor?: Redactor;
  /** Called when a check ends and when a request completes (the console's progress line). */
  onProgress?: (progress: RunProgress) => void;
  /** Set when `checks` is a selection made with --checks/--exclude-checks; carried into the result. */
  selection?: Selection;
}

export interface RunProgress {
  /** Checks with a result, skipped ones included. */
  checksDone: number;
  checksTotal: number;
  /** Requests completed, the snapshot's and the restore's included. */
  requests: number;
}

/**
 * The rules every response is held to, whichever check sent the request. Each is one run-level
 * result (operation "every-response"), so a bad field fails this rule once, not every check that saw it.
 */
export const EVERY_RESPONSE_RULES: readonly { id: string; title: string }[] = [
  { id: "response-schema", title: "Every response body matches the schema documented for its operation and status" },
  { id: "direction-violation", title: "No response carries a property documented as write-only" },
  { id: "undocumented-status", title: "Every response status is documented for its operation" },
  { id: "undocumented-media-type", title: "Every response is labelled with a documented media type" },
  { id: "missing-content-type", title: "Every response with a body says its Content-Type" },
  { id: "body-not-json", title: "Every body labelled JSON parses as JSON" },
  { id: "body-not-utf8", title: "Every body is valid UTF-8" },
  { id: "redirect", title: "No response is a redirect" },
  { id: "error-body-text", title: "Every error body has a machine-readable code and a message that is not blank" },
];

/** Why a final check that judges the writes is skipped when the selection has no write check (the operator's choice). */
export const NO_WRITE_SELECTED = "no write check is selected (--checks/--exclude-checks)";

function judgesWrites(check: Check): string | undefined {
  return check.phase === "final" && check.requires.includes("writes") ? NO_WRITE_SELECTED : undefined;
}

/**
 * The checks that are skipped before any request, with why: a persona, an org or leave to write the
 * target does not have, or (for a check that judges the writes) no write check selected. The header
 * line says them before the first request; the run skips exactly these.
 */
export function plannedSkips(checks: readonly Check[], target: Target): Map<Check, string> {
  const writesSelected = checks.some((check) => check.phase === "write");
  const skips = new Map<Check, string>();
  for (const check of checks) {
    const reason = skipReason(check, target) ?? (writesSelected ? undefined : judgesWrites(check));
    if (reason) skips.set(check, reason);
  }
  return skips;
}

/**
 * Every skip the settings decide before the first request, for the header: the planned skips, and the
 * checks that need more requests in flight than --concurrency allows. Those still run (their requests go
 * one after the other, so later checks see the same org), but cannot judge: their skip is planned too.
 */
export function announcedSkips(checks: readonly Check[], target: Target, concurrency: number): Map<Check, string> {
  const skips = plannedSkips(checks, target);
  for (const check of checks) {
    if (!skips.has(check) && (check.inFlight ?? 1) > concurrency)
      skips.set(check, `needs ${check.inFlight} requests in flight at once (${ONE_AT_A_TIME})`);
  }
  return skips;
}

const RESPONSE_TIME = { id: RESPONSE_TIME_RULE, title: "Every response arrives within --max-response-ms" };

export const DEFAULT_GENERATED_RUNS = 100;

export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** Consecutive requests without a whole response after which the target counts as down and the rest is skipped. */
const DOWN_AFTER_FAILURES = 3;

export async function runChecks(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const coverage = new Coverage(options.spec);
  const generated: GeneratedRun = {
    seed: options.generated?.seed ?? freshSeed(),
    runs: options.generated?.runs ?? DEFAULT_GENERATED_RUNS,
    ...(options.generated?.modelSequences === undefined ? {} : { modelSequences: options.generated.modelSequences }),
    ...(options.generated?.generatedBodies === undefined ? {} : { generatedBodies: options.generated.generatedBodies }),
  };
  const latency = new LatencyLog();
  const checks = options.checks ?? catalog;
  const results = new Map<Check, CheckResult>();
  let requests = 0;
  const progress = () => options.onProgress?.({ checksDone: results.size, checksTotal: checks.length, requests });
  const counted = () => {
    requests += 1;
    progress();
  };
  const transport = options.onProgress ? afterEachSend(options.transport, counted) : options.transport;
  const services: RunServices = {
    ...options,
    transport,
    coverage,
    generated,
    health: { consecutiveFailures: 0, patchesSent: 0 },
    everyResponse: [],
    latency,
    observations: new Observations(options.target.tokens),
    ...(options.target.orgId === undefined ? {} : { history: new TargetHistory(options.target.orgId, organizationFields(options.spec)) }),
    redactor:
      options.redactor ?? new Redactor(Object.values(options.target.tokens).filter((token): token is string => token !== undefined)),
  };
  const runnable = (check: Check) => !results.has(check);
  for (const [check, reason] of plannedSkips(checks, options.target)) results.set(check, { ...skipped(check, reason), planned: true });
  // Bad-credential probes may lock an account: sent after the restore and the invariants (bad-credentials.ts).
  // Their PATCHes go there only behind a write phase of other checks (whose snapshot proved the org may be
  // written); alone, they are the write phase, between snapshot and restore as before.
  const badCredentials = checks.filter((c) => c.badCredentials === true && c.phase !== "final" && runnable(c));
  const otherWrites = checks.filter((c) => c.phase === "write" && runnable(c) && c.badCredentials !== true);
  const probes = otherWrites.length > 0 ? badCredentials : badCredentials.filter((c) => c.phase === "read");
  const probing = new Set(probes);
  const writes = checks.filter((c) => c.phase === "write" && runnable(c) && !probing.has(c));
  // The snapshot before the writes is reads only, so it is sent alongside the read checks (one fewer wait on a live API).
  const snapshot = writes.length > 0 && !options.signal?.aborted ? snapshotBeforeWrites(services) : undefined;
  snapshot?.catch(() => {}); // awaited after the reads; handled now so an early rejection is not "unhandled"
  await runConcurrently(
    checks.filter((c) => c.phase === "read" && runnable(c) && !probing.has(c)),
    concurrencyOf(options),
    async (check) => {
      results.set(check, await runOne(check, services, options.signal));
      progress();
    },
  );
  // Whatever keeps the writes from starting (an org whose snapshot is not exact, an interruption) keeps their probes too.
  const heldWith = [...writes, ...probes.filter((c) => c.phase === "write")];
  const restore = snapshot ? await runWrites(writes, await snapshot, services, options, results, progress, heldWith) : undefined;
  // The invariants judge every answer collected, so they run after everything else.
  for (const check of checks.filter((c) => c.phase === "final" && runnable(c))) {
    results.set(check, await runOne(check, services, options.signal));
    progress();
  }
  const probed = await runBadCredentialProbes({
    probes: probes.filter(runnable),
    services,
    runOne: async (check) => {
      const result = await runOne(check, services, options.signal);
      results.set(check, result);
      progress();
      return result;
    },
    concurrently: (some, work) => runConcurrently(some, concurrencyOf(options), work),
  });
  for (const [check, result] of probed) results.set(check, result);
  return {
    target: {
      baseUrl: options.target.baseUrl,
      embedded: options.target.embedded,
      writes: options.target.writesDenied === undefined,
      writesDenied: options.target.writesDenied,
    },
    startedAt,
    durationMs: performance.now() - started,
    checks: [
      ...checks.map((check) => announced(check, results.get(check) ?? skipped(check, "not run"), concurrencyOf(options))),
      ...everyResponseResults(services.everyResponse, options.maxResponseMs !== undefined),
      ...(restore ? [restoreResult(restore)] : []),
      ...(probed.lockout ? [probed.lockout] : []),
    ],
    coverage: coverage.all(),
    latency: latency.summary(),
    generated,
    restore,
    ...(options.signal?.aborted ? { interrupted: interruptionOf(options.signal) } : {}),
    ...(options.selection ? { selection: options.selection } : {}),
    ...infrastructureMetOf(options.transport),
  };
}

/** A check the header announced as skipped for --concurrency that indeed could not judge: its skip is planned, as announced. */
function announced(check: Check, result: CheckResult, concurrency: number): CheckResult {
  return result.outcome === "skip" && (check.inFlight ?? 1) > concurrency ? { ...result, planned: true } : result;
}

/** What the transport met of the infrastructure: the limits the pacer kept to, and who answered in place of the API. */
function infrastructureMetOf(transport: HttpTransport): Pick<RunResult, "rateLimit" | "infrastructure"> {
  const rateLimit = transport.rateLimit();
  const infrastructure = transport.infrastructure();
  return { ...(rateLimit ? { rateLimit } : {}), ...(infrastructure ? { infrastructure } : {}) };
}

async function runWrites(
  writes: Check[],
  snapshot: WritePlan,
  services: RunServices,
  options: RunOptions,
  results: Map<Check, CheckResult>,
  checkEnded: () => void,
  skippedWith: readonly Check[] = writes,
): Promise<RunResult["restore"]> {
  if (options.signal?.aborted) {
    for (const check of skippedWith) results.set(check, skipped(check, "the run was interrupted before the writes"));
    return undefined;
  }
  const plan = journalled(snapshot, options.journalPath, options.journalCopy);
  if ("skip" in plan) {
    const by = plan.byInfrastructure ? { byInfrastructure: true as const } : {};
    for (const check of skippedWith) results.set(check, { ...skipped(check, plan.skip), ...by });
    return undefined;
  }
  // runOne never throws (a crashing check is an "error" result), so restoration always follows.
  await runWriteChecks(writes, services, async (check, planned) => {
    results.set(check, await runOne(planned, services, options.signal));
    checkEnded();
  });
  const outcome = await endWrites(services, plan.entry, options.journalPath);
  if (outcome === undefined) return undefined;
  // The journal holds the raw snapshot (private); what reports show of it is redacted.
  const shown = services.redactor?.redactJson(structuredClone(summaryOf(plan.entry.snapshot))) ?? summaryOf(plan.entry.snapshot);
  const command = options.journalPath && !outcome.targetRestored ? options.restoreCommand : undefined;
  return { ...outcome, snapshot: shown, ...(command ? { command } : {}) };
}

async function runOne(check: Check, services: RunServices, signal: AbortSignal | undefined): Promise<CheckResult> {
  if (signal?.aborted) return skipped(check, "the run was interrupted before this check");
  if (services.health.consecutiveFailures >= DOWN_AFTER_FAILURES) {
    return skipped(check, `the target stopped responding (${DOWN_AFTER_FAILURES} requests in a row got no whole response)`);
  }
  const ctx = new CheckContext(check, services);
  const started = performance.now();
  const base = { id: check.id, title: check.title, operationId: check.operationId, phase: check.phase };
  try {
    await check.run(ctx);
  } catch (error) {
    if (error instanceof InfrastructureAnswered) {
      // What the API answered before the gateway took over is real; the rest of the check did not run.
      const reason = error.message;
      const outcome = ctx.findings.length > 0 ? "fail" : "skip";
      const timing = { requests: ctx.requests, durationMs: performance.now() - started };
      return { ...base, outcome, reason, findings: ctx.findings, ...timing, byInfrastructure: true };
    }
    if (error instanceof CheckSkipped) return { ...skipped(check, error.message), requests: ctx.requests };
    if (error instanceof Interrupted) {
      // Findings made before the signal are real; an interrupted check without any proves nothing.
      const outcome = ctx.findings.length > 0 ? "fail" : "skip";
      const reason = "the run was interrupted during this check";
      return { ...base, outcome, reason, findings: ctx.findings, requests: ctx.requests, durationMs: performance.now() - started };
    }
    const about = { operationId: check.operationId, method: "", pathTemplate: "", pointer: "" };
    const crash = finding({ ...about, code: "check-error", expected: "the check to run", actual: (error as Error).message });
    return {
      ...base,
      outcome: "error",
      reason: crash.actual,
      findings: [...ctx.findings, crash],
      requests: ctx.requests,
      durationMs: performance.now() - started,
    };
  }
  const notes = ctx.notes.length > 0 ? { notes: ctx.notes } : {};
  if (ctx.findings.length === 0 && ctx.cannotJudge !== undefined) {
    return {
      ...base,
      outcome: "skip",
      reason: ctx.cannotJudge,
      findings: [],
      ...notes,
      requests: ctx.requests,
      durationMs: performance.now() - started,
    };
  }
  const outcome = ctx.findings.length === 0 ? "pass" : "fail";
  return { ...base, outcome, findings: ctx.findings, ...notes, requests: ctx.requests, durationMs: performance.now() - started };
}

/** One result per every-response rule: fail with the findings of that rule, pass when there are none. */
function everyResponseResults(found: readonly Finding[], timed: boolean): CheckResult[] {
  const rules = [...EVERY_RESPONSE_RULES, ...(timed ? [RESPONSE_TIME] : [])];
  const extra = [...new Set(found.map((f) => f.code))].filter((code) => !rules.some((r) => r.id === code));
  return [...rules, ...extra.map((id) => ({ id, title: `Every response: ${id}` }))].map((rule) => {
    const mine = found.filter((f) => f.code === rule.id);
    return {
      id: rule.id,
      title: rule.title,
      operationId: "every-response",
      phase: "read",
      outcome: mine.length === 0 ? "pass" : "fail",
      findings: mine,
      requests: 0,
      durationMs: 0,
    };
  });
}

/** The restoration is reported like a check, so a failed restore fails the run and shows in JUnit. */
function restoreResult(restore: NonNullable<RunResult["restore"]>): CheckResult {
  const base = {
    id: RESTORE_RESULT_ID,
    title: "The organization is restored: every field reads back as in the snapshot taken before the writes",
    operationId: "updateOrganization",
    phase: "write" as const,
  };
  if (restore.verified) return { ...base, outcome: "pass", findings: [], requests: 2, durationMs: 0 };
  const about = { operationId: "updateOrganization", method: "PATCH", pathTemplate: "/api/v1/orgs/{org_id}", pointer: "" };
  return {
    ...base,
    outcome: "fail",
    findings: [
      finding({
        ...about,
        code: "restore-failed",
        expected: `the organization as before the writes ${JSON.stringify(restore.snapshot)}`,
        actual: restore.command ? `${restore.message}; restore it with: ${restore.command}` : restore.message,
      }),
    ],
    requests: 2,
    durationMs: 0,
  };
}

function skipped(check: Check, reason: string): CheckResult {
  return {
    id: check.id,
    title: check.title,
    operationId: check.operationId,
    phase: check.phase,
    outcome: "skip",
    reason,
    findings: [],
    requests: 0,
    durationMs: 0,
  };
}

/** The same transport, calling `then` after each completed request (for progress only). */
function afterEachSend(transport: HttpTransport, then: () => void): HttpTransport {
  const counting: HttpTransport = Object.create(transport);
  counting.send = async (request, options) => {
    const exchange = await transport.send(request, options);
    then();
    return exchange;
  };
  return counting;
}

async function runConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

/** The restore's result id (restoreResult): a result of the run, not a check of the catalog. */
export const RESTORE_RESULT_ID = "restore-organization";

/**
 * What the run's results are made of: the catalog's checks, one result per every-response rule (they
 * judge every response, whichever check sent it) and the restore. The header, the summary, JUnit and
 * conformance.json all count the same results and name these parts, so their totals agree.
 */
export interface ResultParts {
  checks: number;
  everyResponseRules: number;
  restore: number;
  total: number;
}

export function resultParts(result: Pick<RunResult, "checks">): ResultParts {
  const everyResponseRules = result.checks.filter((check) => check.operationId === "every-response").length;
  const restore = result.checks.filter((check) => check.id === RESTORE_RESULT_ID).length;
  const total = result.checks.length;
  return { checks: total - everyResponseRules - restore, everyResponseRules, restore, total };
}

/** The every-response results a run with these settings will have (an unforeseen rule, a timeout say, adds one). */
export function everyResponseRuleCount(timed: boolean): number {
  return EVERY_RESPONSE_RULES.length + (timed ? 1 : 0);
}

export function countOutcomes(result: RunResult): Record<Outcome, number> & { findings: number } {
  const counts = { pass: 0, fail: 0, skip: 0, error: 0, findings: 0 };
  for (const check of result.checks) {
    counts[check.outcome] += 1;
    counts.findings += check.findings.length;
  }
  return counts;
}
