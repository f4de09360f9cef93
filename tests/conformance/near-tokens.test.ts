/**
 * Near-tokens beyond what the gallery asserts: a server that takes one for the owner's token gets a
 * finding, and no report of that run holds any 12-character piece of the token, in any letter case.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { runChecks } from "../../src/conformance/runner.js";
import { renderFinding } from "../../src/findings/finding.js";
import { HttpTransport } from "../../src/http/transport.js";
import { startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { tokenFaults } from "../support/token-faults.js";

const nearTokenChecks = catalog.filter((check) => /-(case-changed-token|last-char-changed|appended-chars)-401$/.test(check.id));

describe("near-tokens", () => {
  it("are nine checks: three near-tokens on each of the three operations", () => {
    expect(nearTokenChecks).toHaveLength(9);
  });

  it.each(tokenFaults.map((fault) => [fault.name, fault] as const))(
    "a server where %s fails exactly its checks, and no piece of the owner's token is in the result",
    async (_name, fault) => {
      const provider = await startProvider(fault.options);
      const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
      try {
        const validators = specValidators();
        const target = targetFromProvider(provider);
        const result = await runChecks({ target, transport, validators, spec: validators.spec, checks: nearTokenChecks });
        expect(result.checks.filter((check) => check.outcome === "fail").map((check) => check.id)).toEqual(fault.expect);
        const text = JSON.stringify({ result, lines: result.checks.flatMap((check) => check.findings.map(renderFinding)) }).toLowerCase();
        const token = provider.tokens.owner;
        const pieces = Array.from({ length: token.length - 11 }, (_, at) => token.slice(at, at + 12).toLowerCase());
        expect(pieces.filter((piece) => text.includes(piece))).toEqual([]);
        // What was sent shows as the token's variable followed by the appended characters, or redacted.
        expect(text).toMatch(/"authorization":"bearer (\[redacted\]|\$\{tenant_api_token\}0a)/);
      } finally {
        await transport.close();
        await provider.close();
      }
    },
    60_000,
  );
});
