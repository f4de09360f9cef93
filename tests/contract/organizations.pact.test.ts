/**
 * Consumer pact tests of the tenant console against the Organizations operations. The pact is
 * written to a fresh temporary directory (PactV4 merges into an existing file and would keep stale
 * interactions). The last tests check it against the spec and compare it with the committed one in
 * contracts/; `npm run contracts:update` (PACT_UPDATE=1) replaces the committed one instead.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PactV4 } from "@pact-foundation/pact";
import { afterAll, describe, expect, it } from "vitest";
import { checkPact } from "../../src/contracts/check.js";
import { CONTRACTS_DIR, pactNames } from "../../src/contracts/names.js";
import { loadPact } from "../../src/contracts/pact-model.js";
import { renderFinding } from "../../src/findings/finding.js";
import { documentedStatuses } from "../../src/spec/document.js";
import { specValidators } from "../../src/validation/validators.js";
import { DOCUMENTED_CASES, EDGE_CASES } from "./support/cases.js";
import { verifyCase } from "./support/pact-case.js";
import { normalisePact, readPact } from "./support/pact-file.js";

const names = pactNames();
const outDir = mkdtempSync(join(tmpdir(), "pact-consumer-"));
const pact = new PactV4({ consumer: names.consumer, provider: names.provider, dir: outDir, logLevel: "error" });
const producedPath = join(outDir, names.fileName);
const committedPath = join(CONTRACTS_DIR, names.fileName);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Interactions whose test passed: an update must never commit a pact from a failing run. */
let passed = 0;
const ALL_CASES = DOCUMENTED_CASES.length + EDGE_CASES.length;
async function runCase(c: (typeof DOCUMENTED_CASES)[number]): Promise<void> {
  await verifyCase(pact, c);
  passed += 1;
}

describe(`${names.consumer} → ${names.provider}: every documented (operation, status)`, () => {
  it("covers each documented status of each operation exactly once", () => {
    const documented = [...specValidators().spec.operations.values()].flatMap((op) =>
      documentedStatuses(op).map((status) => `${op.operationId} ${status}`),
    );
    const covered = DOCUMENTED_CASES.map((c) => `${c.operationId} ${c.status}`);
    expect(covered.sort()).toEqual(documented.sort());
    expect(covered).toHaveLength(17);
  });

  for (const c of DOCUMENTED_CASES) {
    it(`${c.operationId} ${c.status}: ${c.description}`, () => runCase(c));
  }
});

describe("updateOrganization edge cases", () => {
  for (const c of EDGE_CASES) {
    it(`${c.status}: ${c.description}`, () => runCase(c));
  }
});

describe("the produced pact", () => {
  it("passes the bi-directional check against the spec", () => {
    const findings = checkPact(loadPact(producedPath), specValidators()).map((f) => `"${f.interaction}": ${renderFinding(f.finding)}`);
    expect(findings).toEqual([]);
  });

  it(`is the committed contracts/${names.fileName}`, () => {
    expect(existsSync(producedPath), "the tests wrote no pact").toBe(true);
    if (process.env.PACT_UPDATE === "1") {
      expect(passed, "not updating contracts/: some interaction failed").toBe(ALL_CASES);
      copyFileSync(producedPath, committedPath);
    }
    expect(existsSync(committedPath), `no committed pact: run npm run contracts:update`).toBe(true);
    const produced = normalisePact(readPact(producedPath));
    const committed = normalisePact(readPact(committedPath));
    expect(committed, "the committed pact differs from what the tests produce: run npm run contracts:update and review the diff").toEqual(
      produced,
    );
  });
});
