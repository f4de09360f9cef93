/** The typed client against the reference provider: typed bodies on 2xx, typed errors otherwise. */
import { MockAgent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TenantApiError, TenantClient, TenantTransportError } from "../../src/client/index.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";

describe("TenantClient", () => {
  let provider: ProviderHandle;
  beforeAll(async () => {
    provider = await startProvider({
      // A route that never answers, for the timeout.
      intercept: (request) => request.url?.endsWith("/hang") === true,
    });
  });
  afterAll(() => provider.close());

  const client = (token?: string, timeoutMs?: number) => new TenantClient({ baseUrl: `${provider.baseUrl}/`, token, timeoutMs });

  it("returns the typed body on 2xx", async () => {
    const list = await client(provider.tokens.owner).listUserOrganizations();
    expect(list.data?.map((org) => org.id)).toContain(provider.orgs.editable);
    const org = await client(provider.tokens.owner).updateOrganization(provider.orgs.editable, { name: "Renamed" });
    expect(org.name).toBe("Renamed");
  });

  it("throws TenantApiError with the status and the ErrorResponse otherwise", async () => {
    const error = await client()
      .getOrganization(provider.orgs.editable)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantApiError);
    expect(error).toMatchObject({ status: 401, operationId: "getOrganization", error: { code: "unauthorized" } });
    await expect(client(provider.tokens.member).updateOrganization(provider.orgs.editable, { name: "x" })).rejects.toMatchObject({
      status: 403,
    });
  });

  it("encodes ids as one path segment", async () => {
    await expect(client(provider.tokens.owner).getOrganization("../orgs")).rejects.toMatchObject({ status: 400 });
  });

  it("throws TenantTransportError on a timeout", async () => {
    await expect(client(provider.tokens.owner, 200).getOrganization("hang")).rejects.toBeInstanceOf(TenantTransportError);
  });

  it("uses the dispatcher it is given", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get("https://api.example")
      .intercept({ path: "/tenant/api/v1/orgs", method: "GET" })
      .reply(500, { code: "internal_error", message: "boom" }, { headers: { "content-type": "application/json" } });
    const mocked = new TenantClient({ baseUrl: "https://api.example/tenant", token: "t", dispatcher: agent });
    await expect(mocked.listUserOrganizations()).rejects.toMatchObject({ status: 500, error: { message: "boom" } });
    await agent.close();
  });
});
