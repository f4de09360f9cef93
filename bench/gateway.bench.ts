/**
 * `npm run bench:gateway -- [--rate 5] [--burst 10] [--retry-after 1|none] [--status 429|503] [--runs N] [--seed S]`
 *
 * The whole default gate against the embedded provider behind a token-bucket rate limiter on
 * 127.0.0.1 (tests/support/gateways.ts: `burst` at once, then `rate` requests/s, a refusal with
 * `Retry-After` before the request reaches the API), treated as a live target: journal, writes, restore.
 * Prints the gate's wall time, the requests the API served and those refused, the bound of issue 24
 * (1.25 × served ÷ rate: refused requests do not count toward it, so a pacer that keeps hitting the
 * limit pays for it) and the ratio wall ÷ bound, which must be at most 1; then the verdict and whether
 * the org reads as before. Prints figures; asserts nothing (timing is not a test).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { request } from "undici";
import { targetFromProvider } from "../src/conformance/prepare.js";
import { countOutcomes, runChecks } from "../src/conformance/runner.js";
import { describeError, EXIT_OK, EXIT_TOOL_ERROR, ToolError } from "../src/errors.js";
import { triaged } from "../src/findings/triage.js";
import { describeVerdict } from "../src/findings/verdict.js";
import { describeInfrastructure } from "../src/http/infrastructure-report.js";
import { HttpTransport } from "../src/http/transport.js";
import { type ProviderHandle, startProvider } from "../src/provider/server.js";
import { specValidators } from "../src/validation/validators.js";
import { tokenBucketGateway } from "../tests/support/gateways.js";

/** The gallery's seed: two runs send the same generated bodies. */
const DEFAULT_SEED = 20261129;

interface GatewayBenchOptions {
  rate: number;
  burst: number;
  /** Seconds, or undefined: no Retry-After (nginx's limit_req sends none). */
  retryAfter?: string;
  status: number;
  runs: number;
  seed: number;
}

export function parseGatewayBenchArgs(argv: string[]): GatewayBenchOptions {
  let values: Record<string, string | undefined>;
  try {
    const options = Object.fromEntries(
      ["rate", "burst", "retry-after", "status", "runs", "seed"].map((name) => [name, { type: "string" }]),
    );
    values = parseArgs({ args: argv, options: options as Record<string, { type: "string" }>, strict: true }).values as Record<
      string,
      string | undefined
    >;
  } catch (error) {
    throw new ToolError("CONFIG_INVALID", (error as Error).message.split("\n")[0] ?? "invalid flags");
  }
  return {
    rate: integer(values.rate ?? "5", "--rate", 1, 10_000),
    burst: integer(values.burst ?? "10", "--burst", 1, 10_000),
    retryAfter: values["retry-after"] === "none" ? undefined : String(integer(values["retry-after"] ?? "1", "--retry-after", 0, 600)),
    status: refusalStatus(values.status ?? "429"),
    runs: integer(values.runs ?? "100", "--runs", 0, 100_000),
    seed: integer(values.seed ?? String(DEFAULT_SEED), "--seed", 0, 2 ** 31 - 1),
  };
}

function refusalStatus(text: string): number {
  if (text !== "429" && text !== "503") throw new ToolError("CONFIG_INVALID", `--status must be 429 or 503, got ${JSON.stringify(text)}`);
  return Number(text);
}

function integer(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ToolError("CONFIG_INVALID", `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

export interface GatewayFigures {
  wallMs: number;
  served: number;
  refused: number;
  /** 1.25 × served ÷ rate, in ms. */
  boundMs: number;
  findings: number;
  verdict: string;
  orgIntact: boolean;
  infrastructure?: string;
  /** What the pacer kept to at the end. */
  pacer?: string;
}

export async function measureBehindBucket(options: GatewayBenchOptions): Promise<GatewayFigures> {
  const provider = await startProvider();
  const gateway = await tokenBucketGateway(provider.baseUrl, {
    ratePerSecond: options.rate,
    burst: options.burst,
    retryAfter: options.retryAfter,
    status: options.status,
  });
  const transport = new HttpTransport({ baseUrl: gateway.baseUrl, timeoutMs: 10_000, connections: 64 });
  const journalDir = mkdtempSync(join(tmpdir(), "bench-gateway-"));
  try {
    const before = await readOrg(provider);
    const validators = specValidators();
    const started = performance.now();
    const result = await runChecks({
      target: { ...targetFromProvider(provider), baseUrl: gateway.baseUrl, embedded: false },
      transport,
      validators,
      spec: validators.spec,
      journalPath: join(journalDir, "journal.json"),
      generated: { seed: options.seed, runs: options.runs },
    });
    const wallMs = performance.now() - started;
    const infrastructure = result.infrastructure ? describeInfrastructure(result.infrastructure) : undefined;
    const limit = result.rateLimit;
    const pacer = limit ? `${limit.concurrency} in flight, ${limit.ratePerSecond ?? "no"} requests/s at the end` : undefined;
    return {
      wallMs,
      served: gateway.served,
      refused: gateway.refused,
      boundMs: (1.25 * gateway.served * 1_000) / options.rate,
      findings: countOutcomes(result).findings,
      verdict: describeVerdict(triaged(result).triage.verdict),
      orgIntact: (await readOrg(provider)) === before,
      ...(infrastructure ? { infrastructure } : {}),
      ...(pacer ? { pacer } : {}),
    };
  } finally {
    await transport.close();
    await gateway.close();
    await provider.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

/** The org as the provider itself answers it, past the gateway. */
async function readOrg(provider: ProviderHandle): Promise<string> {
  const answer = await request(`${provider.baseUrl}/api/v1/orgs/${provider.orgs.editable}`, {
    headers: { authorization: `Bearer ${provider.tokens.owner}` },
  });
  return await answer.body.text();
}

export function renderGatewayFigures(options: GatewayBenchOptions, figures: GatewayFigures): string {
  const ratio = figures.wallMs / figures.boundMs;
  return [
    `gate behind a token bucket of ${options.rate} requests/s (burst ${options.burst}, ${options.status} ${options.retryAfter === undefined ? "without Retry-After" : `with Retry-After: ${options.retryAfter}`}), ${options.runs} generated bodies, seed ${options.seed}`,
    `time ${(figures.wallMs / 1000).toFixed(1)} s; the API served ${figures.served} requests, ${figures.refused} refused before it`,
    `bound 1.25 × ${figures.served} / ${options.rate} = ${(figures.boundMs / 1000).toFixed(1)} s; ratio time / bound = ${ratio.toFixed(2)} (${ratio <= 1 ? "within" : "OVER"} the bound)`,
    `findings ${figures.findings}; org ${figures.orgIntact ? "intact" : "CHANGED"}; verdict: ${figures.verdict}`,
    ...(figures.infrastructure ? [`infrastructure: ${figures.infrastructure}`] : []),
    ...(figures.pacer ? [`pacer: ${figures.pacer}`] : []),
  ]
    .map((line) => `${line}\n`)
    .join("");
}

async function main(argv: string[]): Promise<number> {
  const options = parseGatewayBenchArgs(argv);
  process.stdout.write(renderGatewayFigures(options, await measureBehindBucket(options)));
  return EXIT_OK;
}

if (process.argv[1]?.endsWith("gateway.bench.ts")) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench:gateway: ${describeError(error)}\n`);
      process.exit(EXIT_TOOL_ERROR);
    },
  );
}
