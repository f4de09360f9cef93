import { it } from "vitest";
import { renderFinding } from "../../src/findings.js";
import { runAgainst } from "../../tests/support/run-against.js";
it("probe", async () => {
  const result = await runAgainst();
  for (const c of result.checks) if (c.outcome !== "pass" || c.phase === "final") console.log(c.id, c.outcome, c.reason ?? "", c.requests, c.findings.map(renderFinding).join("; "), c.notes ?? "");
  console.log(result.restore?.message, result.checks.length, result.checks.reduce((a, c) => a + c.requests, 0));
}, 60000);
