import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";

describe("the reference provider", () => {
  let provider: ProviderHandle;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());

  it("lists the owner's organizations", async () => {
    const response = await fetch(`${provider.baseUrl}/api/v1/orgs`, { headers: { authorization: `Bearer ${provider.tokens.owner}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { id: string }[] };
    expect(body.data.map((org) => org.id)).toContain(provider.orgs.editable);
  });
});
