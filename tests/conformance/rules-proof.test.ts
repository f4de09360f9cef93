/**
 * Proof for the register: every rule the suite enforces has a deliberately broken server that trips
 * it, either a faulty provider of the gallery (tests/conformance/gallery.test.ts runs each and asserts
 * its findings) or a server that misbehaves below the status line (tests/conformance/bad-servers.test.ts).
 */
import { describe, expect, it } from "vitest";
import { isEnforced, register } from "../../src/rules/register.js";
import { misbehaviours } from "../support/bad-servers.js";
import { faults } from "../support/fault-gallery.js";

/** Enforced rules no server can be made to trip, with why; a change here is a reviewable diff. */
const unprovable: Record<string, string> = {
  aborted: "raised when the operator interrupts the run, whatever the server does",
  "check-error": "raised when a check itself crashes: a defect of the suite, which no server should cause",
  unreachable:
    "a target unreachable from the start is a tool error (exit 2, tests/conformance/cli.test.ts); mid-run it needs a host that vanishes",
};

describe("every enforced rule of the register is proven by a broken server", () => {
  const tripped = new Set([...faults.flatMap((fault) => fault.expect), ...Object.values(misbehaviours).map((m) => m.finding)]);

  it("has a faulty provider or a misbehaving server that trips each enforced rule", () => {
    const enforced = register.rules.filter(isEnforced).map((rule) => rule.id);
    const unproven = enforced.filter((id) => !tripped.has(id) && !(id in unprovable));
    expect(unproven).toEqual([]);
  });

  it("lists as unprovable only enforced rules that really have no broken server", () => {
    const rules = new Map(register.rules.map((rule) => [rule.id, rule]));
    for (const id of Object.keys(unprovable)) {
      const rule = rules.get(id);
      expect(rule && isEnforced(rule), `${id} is an enforced rule`).toBe(true);
      expect(tripped.has(id), `${id} is tripped by a broken server: remove it from the list`).toBe(false);
    }
  });

  it("names in the gallery only codes that are rules of the register", () => {
    const ruleIds = new Set(register.rules.map((rule) => rule.id));
    expect([...tripped].filter((code) => !ruleIds.has(code))).toEqual([]);
  });
});
