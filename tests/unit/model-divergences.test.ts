/** The model's comparison allows the docs' freedoms and nothing wider (src/conformance/model/model.ts). */
import { describe, expect, it } from "vitest";
import { divergences, ModelWorld } from "../../src/conformance/model/model.js";
import type { Target } from "../../src/conformance/target.js";
import { specValidators } from "../../src/validation/validators.js";

const validators = specValidators();
const target: Target & { orgId: string } = {
  baseUrl: "http://127.0.0.1:1/tenant",
  embedded: true,
  tokens: { owner: "o", member: "m", outsider: "x", inferenceKey: "sk-nc-k" },
  orgId: "org-1",
  foreignOrgId: "org-2",
  missingOrgId: "org-3",
  invalidOrgId: "not-an-id",
};
const observed = { id: "org-1", name: "Acme", description: "Kept", status: "active", referral_code: "R1" } as const;

function compare(request: Parameters<ModelWorld["predict"]>[0], org: Parameters<ModelWorld["predict"]>[1], status: number, body: unknown) {
  const world = new ModelWorld({ ...observed }, target, validators);
  return divergences(world, request, org, world.predict(request, org), { status, body }, validators.spec);
}

describe("the model-based run's comparison", () => {
  it("accepts 403 or 404 for an org the caller does not belong to, but only 403 for a member's PATCH", () => {
    expect(compare({ method: "GET", persona: "owner" }, "foreign", 404, {})).toEqual([]);
    expect(compare({ method: "GET", persona: "outsider" }, "editable", 404, {})).toEqual([]);
    expect(compare({ method: "PATCH", persona: "member", body: { name: "B" } }, "editable", 404, {})).toEqual(["status 404, expected 403"]);
  });

  it("accepts 404 or an empty list for a user without orgs, and nothing else", () => {
    expect(compare({ method: "GET", persona: "outsider" }, undefined, 404, {})).toEqual([]);
    expect(compare({ method: "GET", persona: "outsider" }, undefined, 200, { data: [] })).toEqual([]);
    expect(compare({ method: "GET", persona: "outsider" }, undefined, 200, { data: [observed] })).toEqual([
      "a list of 1 organizations, expected 404 or an empty list",
    ]);
  });

  it("accepts a cleared description absent or empty, extra properties, and other orgs in a list", () => {
    const cleared = { method: "PATCH", persona: "owner", body: { description: "" } } as const;
    expect(compare(cleared, "editable", 200, { ...observed, description: "" })).toEqual([]);
    const { description: _, ...withoutDescription } = observed;
    expect(compare(cleared, "editable", 200, withoutDescription)).toEqual([]);
    expect(compare({ method: "GET", persona: "owner" }, "editable", 200, { ...observed, plan: "pro" })).toEqual([]);
    const other = { ...observed, id: "org-9" };
    expect(compare({ method: "GET", persona: "owner" }, undefined, 200, { data: [other, observed] })).toEqual([]);
  });

  it("names every value that differs from the prediction after an applied PATCH", () => {
    const patch = { method: "PATCH", persona: "owner", body: { name: "B" } } as const;
    expect(compare(patch, "editable", 200, { ...observed, name: "Acme", description: "" })).toEqual([
      '/name: string "Acme", expected string "B"',
      '/description: string "", expected string "Kept"',
    ]);
  });

  it("says when a list shows an org the caller does not belong to, or lacks one it does", () => {
    const foreign = { id: "org-2", name: "Globex", status: "active", referral_code: "R2" };
    expect(compare({ method: "GET", persona: "owner" }, undefined, 200, { data: [observed, foreign] })).toEqual([
      '/data: lists "org-2", which the caller does not belong to',
    ]);
    expect(compare({ method: "GET", persona: "member" }, undefined, 200, { data: [] })).toEqual(['/data: lacks "org-1"']);
  });
});
