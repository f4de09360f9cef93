/** The consumer kit's shapes come from the spec and conform to it; a broken example is caught. */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import {
  anyStringBut,
  errorMatcher,
  exampleFor,
  organizationListMatcher,
  organizationMatcher,
  validateExample,
} from "../../../src/index.js";
import { documentedStatuses } from "../../../src/spec/document.js";
import { specValidators } from "../../../src/validation/validators.js";

const documented = [...specValidators().spec.operations.values()].flatMap((op) =>
  documentedStatuses(op).map((s) => [op.operationId, s] as const),
);

describe("the consumer kit (exported from the package entry)", () => {
  it.each(documented)("exampleFor(%s, %i) conforms to the spec", (operationId, status) => {
    expect(validateExample(operationId, status, exampleFor(operationId, status))).toEqual([]);
  });

  it("the matchers' examples conform, and list every property of OrganizationResponse", () => {
    expect(validateExample("getOrganization", 200, organizationMatcher())).toEqual([]);
    expect(validateExample("listUserOrganizations", 200, organizationListMatcher())).toEqual([]);
    expect(validateExample("getOrganization", 404, errorMatcher())).toEqual([]);
    expect(Object.keys(organizationMatcher())).toEqual(["id", "name", "description", "referral_code", "status"]);
  });

  it("an example that breaks the schema is a problem naming the field", () => {
    const problems = validateExample("getOrganization", 200, organizationMatcher({ status: "deleted", name: MatchersV3.like(5) }));
    expect(problems.join("\n")).toMatch(/\/status/);
    expect(problems.join("\n")).toMatch(/\/name/);
  });

  it("an undocumented status is refused", () => {
    expect(() => exampleFor("getOrganization", 418)).toThrow(/does not document status 418/);
  });

  it("anyStringBut matches every key but the one named", () => {
    const pattern = new RegExp(anyStringBut("description"));
    for (const key of ["", "d", "desc", "descriptions", "id", "name", "xdescription"]) expect(pattern.test(key), key).toBe(true);
    expect(pattern.test("description")).toBe(false);
  });
});
