/**
 * `npm run bench:hostile`: what hostile responses cost (issue 8, items 11 and 15). Prints figures;
 * asserts nothing (timing is not a test).
 *
 * - The redactor: building its needles, and redacting a 1 MiB body (text and parsed) and many short
 *   lines, for four plain tokens and for four tokens full of characters that encodings change.
 * - Validation of a list of n invalid items, with the component `$ref`s inlined (as the validators
 *   compile them) and called through Ajv's `$ref` (as they were compiled before: quadratic).
 */
import { performance } from "node:perf_hooks";
import { Redactor } from "../src/redaction.js";
import { isObject } from "../src/spec/assemble.js";
import { loadSpec } from "../src/spec/document.js";
import { createAjv } from "../src/validation/ajv.js";
import { buildRegistry, registryId } from "../src/validation/schema-transform.js";
import { SpecValidators } from "../src/validation/validators.js";

const PLAIN = [
  "nc-at-7f3a9c1e0b7e4c2a5d6f7a8b9c0d1e2f",
  "nc-at-52b8d0aa1c2d3e4f5a6b7c8d9e0f1a2b",
  "nc-at-c4e19f02a1b2c3d4e5f6",
  "sk-nc-9d7e6b31f0e1d2c3b4a596877869",
];
const SPECIAL = PLAIN.map((token, i) => `${token.slice(0, 10)}\\"&<>%+'${i}${token.slice(10)}`);

function ms(work: () => unknown, times = 5): string {
  const runs: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    work();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  return `${(runs[Math.floor(times / 2)] ?? 0).toFixed(1)} ms`;
}

function redaction(): void {
  const items = Array.from({ length: 11_000 }, (_, i) => ({
    id: `0b5f0e0c-8c1e-4c43-9a51-${String(i).padStart(12, "0")}`,
    name: `Organization ${i}`,
    status: "active",
  }));
  const text = JSON.stringify({ data: items });
  const lines = Array.from(
    { length: 10_000 },
    (_, i) => `FAIL getOrganization 200 /data/${i}/status: expected one of ["active"], got "deleted" [response-schema]`,
  );
  for (const [name, tokens] of [
    ["plain", PLAIN],
    ["special", SPECIAL],
  ] as const) {
    new Redactor(tokens); // warm-up
    const redactor = new Redactor(tokens);
    const echoed = `${text.slice(0, 500_000)}${encodeURIComponent(tokens[0] ?? "")}${text.slice(500_000)}`;
    console.log(`redactor, 4 ${name} tokens:`);
    console.log(`  build (needles + index)           ${ms(() => new Redactor(tokens))}`);
    console.log(`  redact ${(text.length / 2 ** 20).toFixed(2)} MiB text, no token      ${ms(() => redactor.redact(text))}`);
    console.log(`  redact the same with a token      ${ms(() => redactor.redact(echoed))}`);
    console.log(
      `  redact the parsed body (${items.length} items) ${ms(() => redactor.redactJson(JSON.parse(text)))} (incl. JSON.parse ${ms(() => JSON.parse(text))})`,
    );
    console.log(`  redact 10,000 summary lines       ${ms(() => lines.map((line) => redactor.redact(line)))}`);
  }
}

function validation(): void {
  const spec = loadSpec();
  const validators = new SpecValidators(spec);
  const ajv = createAjv();
  ajv.addSchema(buildRegistry(isObject(spec.raw.components) ? spec.raw.components.schemas : undefined, "response"));
  const viaRef = ajv.compile({ $ref: `${registryId("response")}#/definitions/OrganizationListResponse` });
  console.log("validation of a list of n invalid items (all problems collected, 51 kept):");
  for (const n of [10_000, 40_000, 100_000, 524_000]) {
    const body = { data: Array.from({ length: n }, () => 1) };
    const inlined = ms(
      () => validators.validateResponse({ operationId: "listUserOrganizations", status: 200, contentType: "application/json", body }),
      3,
    );
    const refs = n <= 40_000 ? ms(() => viaRef(body), 1) : "(skipped: minutes)";
    console.log(`  n=${String(n).padEnd(7)} inlined ${inlined.padEnd(10)} through $ref calls ${refs}`);
  }
}

redaction();
validation();
