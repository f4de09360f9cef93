/**
 * `npm run bench`: what the project layer (SpecValidators: operation lookup, status and media type
 * matching, result objects) costs over calling a bare compiled Ajv function on the same schema, and
 * the cold start of a fresh validator set. Prints figures; asserts nothing (timing is not a test).
 */
import { performance } from "node:perf_hooks";
import { isObject } from "../src/spec/assemble.js";
import { loadSpec } from "../src/spec/document.js";
import { createAjv } from "../src/validation/ajv.js";
import { transformSchema } from "../src/validation/schema-transform.js";
import { SpecValidators } from "../src/validation/validators.js";

const ROUNDS = 9;
const ITERATIONS = 50_000;
const COLD_STARTS = 15;
const CONTENT_TYPE = "application/json; charset=utf-8";

/** Ten organizations as a provider would send them; every other one has no description. */
const body = JSON.parse(
  JSON.stringify({
    data: Array.from({ length: 10 }, (_, i) => ({
      id: `0b5f0e0c-8c1e-4c43-9a51-${String(i).padStart(12, "0")}`,
      name: `Organization ${i}`,
      description: i % 2 === 0 ? `Description of organization ${i}` : undefined,
      referral_code: `REF${i}`,
      status: "active",
    })),
  }),
) as unknown;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Validations per second for one round of `ITERATIONS` calls; `sink` keeps the calls observable. */
let sink = 0;
function round(validate: () => boolean): number {
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i += 1) if (validate()) sink += 1;
  return ITERATIONS / ((performance.now() - start) / 1000);
}

function coldStartMs(): number {
  const start = performance.now();
  const validators = new SpecValidators(loadSpec());
  validators.compileAll();
  return performance.now() - start;
}

function main(): void {
  const spec = loadSpec();
  const validators = new SpecValidators(spec);
  const layer = () =>
    validators.validateResponse({ operationId: "listUserOrganizations", status: 200, contentType: CONTENT_TYPE, body }).valid;

  // The bare baseline: the same transformed schema (components inlined) on the project's Ajv settings, no project code.
  const components = isObject(spec.raw.components) ? spec.raw.components.schemas : undefined;
  const list = transformSchema({ $ref: "#/components/schemas/OrganizationListResponse" }, "response", "#", components);
  const compiled = createAjv().compile(list as object);
  const bare = () => compiled(body);

  if (!layer() || !bare()) throw new Error("the benchmark body must be valid for both paths");

  // Warm-up: let the JIT settle both paths before anything is measured.
  for (let i = 0; i < 3; i += 1) {
    round(layer);
    round(bare);
  }
  const layerRates: number[] = [];
  const bareRates: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    // Alternate the order so neither path always runs on a warmer (or more fragmented) heap.
    let bareRate: number;
    let layerRate: number;
    if (r % 2 === 0) {
      bareRate = round(bare);
      layerRate = round(layer);
    } else {
      layerRate = round(layer);
      bareRate = round(bare);
    }
    bareRates.push(bareRate);
    layerRates.push(layerRate);
    ratios.push(bareRate / layerRate);
  }

  coldStartMs(); // first one pays module-level JIT; not a fresh-instance cost
  const coldStarts = Array.from({ length: COLD_STARTS }, coldStartMs);

  const layerRate = median(layerRates);
  const bareRate = median(bareRates);
  const ratio = median(ratios);
  const format = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`validators bench: 10-item listUserOrganizations 200 body, ${ROUNDS} rounds x ${format(ITERATIONS)} validations, medians`);
  console.log(`  SpecValidators.validateResponse  ${format(layerRate).padStart(12)} validations/s`);
  console.log(`  bare compiled Ajv function       ${format(bareRate).padStart(12)} validations/s`);
  console.log(`  ratio bare/layer                 ${ratio.toFixed(3).padStart(12)}`);
  console.log(`  layer overhead                   ${`${((ratio - 1) * 100).toFixed(1)}%`.padStart(12)}  (aim: < 10%)`);
  console.log(
    `  cold start (load spec + new SpecValidators + compileAll), median of ${COLD_STARTS}: ${median(coldStarts).toFixed(1)} ms  (aim: < 50 ms)`,
  );
  if (sink < 0) console.log(sink);
}

main();
