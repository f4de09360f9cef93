import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/settings.js";
import { patchBody } from "../../src/conformance/generated/arbitraries.js";
import { generatedBodies } from "../../src/conformance/generated/check.js";
import { inParallel, mayRestore, sameOrg } from "../../src/conformance/plan.js";
import { ToolError } from "../../src/errors.js";

describe("inParallel", () => {
  it("never has more than the limit in flight, and returns results in item order", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await inParallel([5, 1, 4, 2, 3, 0, 6], 3, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, item));
      inFlight -= 1;
      return item * 10;
    });
    expect(most).toBe(3);
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
  });

  it("runs one at a time at limit 1 and does nothing for no items", async () => {
    const order: number[] = [];
    await inParallel([1, 2, 3], 1, async (item) => {
      order.push(item);
    });
    expect(order).toEqual([1, 2, 3]);
    expect(await inParallel([], 4, async () => 1)).toEqual([]);
  });
});

describe("mayRestore: a body that, wrongly applied, could put a field back and hide another body's change", () => {
  const org = { id: "o1", name: "Acme Research", description: "Our lab", status: "active" as const, referral_code: "REF1" };

  it("is a body carrying a current value, as a string anywhere in it", () => {
    expect(mayRestore({ json: { name: "Acme Research", description: 7 } }, org)).toBe(true);
    expect(mayRestore({ json: { name: ["Our lab"] } }, org)).toBe(true);
    expect(mayRestore({ json: { colour: "REF1" } }, org)).toBe(true);
    expect(mayRestore({ raw: '{"status": "active"' }, org)).toBe(true);
  });

  it("is a body that could clear a description that is absent already", () => {
    const bare = { id: "o1", name: "Acme Research" };
    expect(mayRestore({ json: { name: "", description: "" } }, bare)).toBe(true);
    expect(mayRestore({ json: { description: null } }, bare)).toBe(true);
    expect(mayRestore({ json: { description: null } }, org)).toBe(false);
  });

  it("is not a body whose values the org does not hold", () => {
    expect(mayRestore({ json: { name: "" } }, org)).toBe(false);
    expect(mayRestore({ json: { name: 42, description: "x".repeat(10) } }, org)).toBe(false);
    expect(mayRestore({ json: [{ name: "conformance" }] }, org)).toBe(false);
  });
});

describe("sameOrg", () => {
  it("is true only for two reads with every field equal", () => {
    expect(sameOrg({ id: "a", name: "n" }, { id: "a", name: "n" })).toBe(true);
    expect(sameOrg({ id: "a", name: "n" }, { id: "a", name: "n", description: "" })).toBe(false);
    expect(sameOrg(undefined, undefined)).toBe(false);
  });
});

describe("the generated bodies the plan observes ahead", () => {
  it("are the bodies fast-check then tries, in the same order", async () => {
    const planned = await generatedBodies(20261129, 100);
    const tried: unknown[] = [];
    const property = fc.asyncProperty(patchBody, async (body) => {
      tried.push(JSON.parse(JSON.stringify(body)));
      return true;
    });
    await fc.check(property, { seed: 20261129, numRuns: 100, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: false });
    expect(tried).toEqual(planned);
    expect(planned).toHaveLength(100);
  });
});

describe("--concurrency", () => {
  it("is read as an integer from 1 to 64, and left to the plan's default when absent", () => {
    expect(parseSettings(["--concurrency", "1"], {}).concurrency).toBe(1);
    expect(parseSettings([], {}).concurrency).toBeUndefined();
  });

  it.each(["0", "65", "two"])("refuses %s as a tool error", (value) => {
    expect(() => parseSettings(["--concurrency", value], {})).toThrow(ToolError);
  });
});
