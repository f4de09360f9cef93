/**
 * `npm run bench:latency -- [--latency-ms 0,50,150] [--concurrency N] [--runs N] [--seed S]`
 *
 * The gate against the embedded provider behind an in-process delaying proxy on 127.0.0.1, treated
 * as a live target: the snapshot goes to a journal file and the org is restored at the end, as on a
 * deployed API. Two runs per latency: the checks of single calls (hand-written checks, generated
 * bodies, invariants, restore) and the whole default gate, which adds the model-based run (its
 * sequences are one request after another by nature, so it gets a row of its own). Prints, for each,
 * the wall time, the request count, the sequential round trips (wall ÷ latency) and the
 * dependency-chain lower bound. Prints figures; asserts nothing (timing is not a test).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { catalog } from "../src/conformance/catalog.js";
import type { Check } from "../src/conformance/check.js";
import { MODEL_CHECK_ID } from "../src/conformance/model/check.js";
import { targetFromProvider } from "../src/conformance/prepare.js";
import { countOutcomes, runChecks } from "../src/conformance/runner.js";
import { describeError, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../src/errors.js";
import { HttpTransport } from "../src/http/transport.js";
import { BASE_PATH, startProvider } from "../src/provider/server.js";
import { specValidators } from "../src/validation/validators.js";
import { startDelayingProxy } from "./delaying-proxy.js";
import { bodiesSent, figuresOf, type LatencyFigures, renderFigures, sequencesSent } from "./latency-figures.js";

/** Fixed by default, so two runs send the same generated bodies and their figures compare. */
const DEFAULT_SEED = 20261129;

interface BenchOptions {
  latencies: number[];
  concurrency?: number;
  runs: number;
  seed: number;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: { "latency-ms": { type: "string" }, concurrency: { type: "string" }, runs: { type: "string" }, seed: { type: "string" } },
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new ToolError("CONFIG_INVALID", (error as Error).message.split("\n")[0] ?? "invalid flags");
  }
  const latencies = (values["latency-ms"] ?? "150").split(",").map((part) => integer(part.trim(), "--latency-ms", 0, 10_000));
  const concurrency = values.concurrency === undefined ? undefined : integer(values.concurrency, "--concurrency", 1, 64);
  return {
    latencies,
    concurrency,
    runs: values.runs === undefined ? 100 : integer(values.runs, "--runs", 0, 100_000),
    seed: values.seed === undefined ? DEFAULT_SEED : integer(values.seed, "--seed", 0, 2 ** 31 - 1),
  };
}

function integer(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ToolError("CONFIG_INVALID", `${name} must be integers from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** What a row measures: the checks of single calls, or the whole default gate. */
export const SCOPES: readonly { label: string; checks: readonly Check[] }[] = [
  { label: "without model run", checks: catalog.filter((check) => check.id !== MODEL_CHECK_ID) },
  { label: "default gate", checks: catalog },
];

/** One gate run at one latency, on a fresh provider and proxy. */
export async function measure(
  latencyMs: number,
  options: Omit<BenchOptions, "latencies">,
  scope: (typeof SCOPES)[number],
): Promise<LatencyFigures> {
  const provider = await startProvider();
  const proxy = await startDelayingProxy(new URL(provider.baseUrl).origin, latencyMs);
  const baseUrl = `${proxy.origin}${BASE_PATH}`;
  const transport = new HttpTransport({ baseUrl, timeoutMs: 10_000 + latencyMs, connections: 64 });
  const journalDir = mkdtempSync(join(tmpdir(), "bench-latency-"));
  try {
    const validators = specValidators();
    const started = performance.now();
    const result = await runChecks({
      target: { ...targetFromProvider(provider), baseUrl, embedded: false },
      transport,
      validators,
      spec: validators.spec,
      checks: scope.checks,
      concurrency: options.concurrency,
      journalPath: join(journalDir, "journal.json"),
      generated: { seed: options.seed, runs: options.runs },
    });
    const wallMs = performance.now() - started;
    const bodies = bodiesSent(result.checks.flatMap((check) => check.notes ?? []));
    const model = result.checks.find((check) => check.id === MODEL_CHECK_ID && check.outcome !== "skip");
    return figuresOf(latencyMs, wallMs, proxy.log, {
      findings: countOutcomes(result).findings,
      bodies,
      scope: scope.label,
      ...(model ? { model: { requests: model.requests, wallMs: model.durationMs, sequences: sequencesSent(model.notes ?? []) } } : {}),
    });
  } finally {
    await transport.close();
    await proxy.close();
    await provider.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const options = parseBenchArgs(argv);
  const rows: LatencyFigures[] = [];
  for (const latencyMs of options.latencies) for (const scope of SCOPES) rows.push(await measure(latencyMs, options, scope));
  const concurrency = options.concurrency === undefined ? "default" : String(options.concurrency);
  process.stdout.write(`gate: ${options.runs} generated bodies, seed ${options.seed}, concurrency ${concurrency}\n`);
  process.stdout.write(renderFigures(rows));
  return EXIT_OK;
}

if (process.argv[1]?.endsWith("latency.bench.ts")) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench:latency: ${describeError(error)}\n`);
      process.exit(EXIT_TOOL_ERROR);
    },
  );
}
