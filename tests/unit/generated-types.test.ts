/**
 * src/spec/generated/tenant-api.d.ts is what openapi-typescript makes from the committed spec today,
 * so code typed against it cannot drift from the spec it claims to follow.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateTypes } from "../../src/spec/generate-types.js";
import { TYPES_PATH } from "../../src/spec/paths.js";

describe("the generated types", () => {
  it("match a fresh openapi-typescript run over the committed spec", async () => {
    const fresh = await generateTypes();
    const committed = readFileSync(TYPES_PATH, "utf8");
    // A plain equality (not a diff dump) with a message saying how to fix it.
    expect(committed === fresh, "src/spec/generated/tenant-api.d.ts is stale: run npm run spec:types").toBe(true);
  }, 30_000);

  it("name all three operations", () => {
    const committed = readFileSync(TYPES_PATH, "utf8");
    for (const operationId of ["listUserOrganizations", "getOrganization", "updateOrganization"]) {
      expect(committed).toContain(`${operationId}: {`);
    }
  });
});
