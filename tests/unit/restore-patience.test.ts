/**
 * Issue 24: the restore's own patience. Behind a rate limiter, a gateway and a lagging replica, the restore
 * (in-run, and `--restore` from a journal) still puts the org back and proves it: it resends reads and its
 * PATCH through 429, 503 and 504, sends no PATCH when the org already reads as the snapshot, and re-reads,
 * bounded, before it says NOT RESTORED. The transport here resends nothing itself (as the transport gives
 * up once its own budget is spent), so what is proven is the restore's own loop.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TargetHistory } from "../../src/conformance/safety/history.js";
import { journalEntry } from "../../src/conformance/safety/journal.js";
import { restoreFromJournal } from "../../src/conformance/safety/journal-restore.js";
import { organizationFields } from "../../src/conformance/safety/org-fields.js";
import { restoreOrg } from "../../src/conformance/safety/restore.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderHandle, startProvider } from "../../src/provider/server.js";
import { specValidators } from "../../src/validation/validators.js";
import { type GatewayRule, laggingReplica, nginxPage, type StandInGateway, standInGateway } from "../support/gateway-stand-ins.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const validators = specValidators();
const fields = organizationFields(validators.spec);

async function behind(make: (upstream: string) => Promise<StandInGateway>) {
  const provider = await startProvider();
  closers.push(() => provider.close());
  const gateway = await make(provider.baseUrl);
  closers.push(() => gateway.close());
  // The API's own 503s are not resent: what the restore resends is its own doing or the pacer's, within its patience.
  const transport = new HttpTransport({ baseUrl: gateway.baseUrl, timeoutMs: 2_000, maxRetries: 0 });
  closers.push(() => transport.close());
  const org = provider.state.organizations.get(provider.orgs.editable);
  if (!org) throw new Error("seed org missing");
  const snapshot = structuredClone(org);
  const entry = journalEntry(gateway.baseUrl, org.id, { ...snapshot });
  return { provider, gateway, transport, org, snapshot, entry };
}

const current = (provider: ProviderHandle) => provider.state.organizations.get(provider.orgs.editable);
const patches = (gateway: StandInGateway) => gateway.log.filter((entry) => entry.arrival.method === "PATCH");

const tooMany = () => ({ status: 429, headers: { "retry-after": "0", "content-type": "text/plain" }, body: "Too Many Requests" });

describe("the restore resends through the infrastructure's answers", () => {
  it.each([
    ["a rate limiter's 429 (a token bucket)", tooMany],
    ["nginx limit_req's 503 page", () => nginxPage(503, "Service Temporarily Unavailable")],
    ["a gateway time-out's 504 page", () => nginxPage(504, "Gateway Time-out")],
  ])("restores the org through %s on its reads and its PATCH", async (_what, answer) => {
    let gets = 0;
    let sent = 0;
    const rule: GatewayRule = ({ method }) => {
      if (method === "GET" && gets++ < 3) return answer();
      if (method === "PATCH" && sent++ < 2) return answer(); // not forwarded: the PATCH did not land
      return undefined;
    };
    const { provider, gateway, transport, org, snapshot, entry } = await behind((upstream) => standInGateway(upstream, rule));
    org.name = "Renamed by the run";
    const outcome = await restoreOrg(transport, provider.tokens.owner, entry, { fields });
    expect(outcome.verified, outcome.message).toBe(true);
    expect(current(provider)).toEqual(snapshot);
    expect(patches(gateway).filter((p) => p.answeredBy === "api")).toHaveLength(1);
  });

  it("gives up within its bound, saying who answered, when the rate limiter never clears", async () => {
    const { provider, transport, org, entry } = await behind((upstream) =>
      standInGateway(upstream, ({ method }) => (method === "PATCH" ? tooMany() : undefined)),
    );
    org.name = "Renamed by the run";
    const outcome = await restoreOrg(transport, provider.tokens.owner, entry, { fields, patienceMs: 1_000 });
    expect(outcome.verified).toBe(false);
    expect(outcome.message).toContain("a rate limiter answered 429");
  });

  it("sends no PATCH when the org already reads as the snapshot, so a 429 on it cannot fail the restore", async () => {
    const { provider, gateway, transport, snapshot, entry } = await behind((upstream) =>
      standInGateway(upstream, ({ method }) => (method === "PATCH" ? tooMany() : undefined)),
    );
    const outcome = await restoreOrg(transport, provider.tokens.owner, entry, { fields, patienceMs: 1_000 });
    expect(outcome.verified, outcome.message).toBe(true);
    expect(outcome.message).toContain("sent nothing");
    expect(patches(gateway)).toEqual([]);
    expect(current(provider)).toEqual(snapshot);
  });

  it("still PATCHes when the org reads as the snapshot but this run's last applied write left it otherwise (a lagging read)", async () => {
    const { provider, gateway, transport, snapshot, entry } = await behind((upstream) => laggingReplica(upstream, 300));
    const history = new TargetHistory(provider.orgs.editable, fields);
    const rename = {
      method: "PATCH" as const,
      path: `/api/v1/orgs/${provider.orgs.editable}`,
      authorization: `Bearer ${provider.tokens.owner}`,
      body: '{"name":"Renamed by the run"}',
    };
    history.record("updateOrganization", rename, provider.orgs.editable, await transport.send(rename));
    const outcome = await restoreOrg(transport, provider.tokens.owner, entry, { fields, history });
    expect(outcome.verified, outcome.message).toBe(true);
    expect(patches(gateway)).toHaveLength(2);
    expect(current(provider)).toEqual(snapshot);
  });
});

describe("read lag", () => {
  it("re-reads, bounded, before it says NOT RESTORED when reads lag writes by 300 ms (a replica)", async () => {
    const { provider, transport, org, snapshot, entry } = await behind((upstream) => laggingReplica(upstream, 300));
    org.name = "Renamed by the run";
    const outcome = await restoreOrg(transport, provider.tokens.owner, entry, { fields });
    expect(outcome.verified, outcome.message).toBe(true);
    expect(current(provider)).toEqual(snapshot);
  });

  it("still says NOT RESTORED when the org never reads back (the re-reads only give a replica its time)", async () => {
    const { provider, transport, org, entry } = await behind((upstream) => laggingReplica(upstream, 60_000));
    org.name = "Renamed by the run";
    const outcome = await restoreOrg(transport, provider.tokens.owner, entry, { fields });
    expect(outcome.verified).toBe(false);
    expect(outcome.message).toContain("still differs");
  });
});

describe("--restore from a journal", () => {
  it("resends through 429 and 504 and re-reads for lag", async () => {
    let gets = 0;
    const { provider, transport, org, snapshot, entry } = await behind(async (upstream) => {
      const replica = await laggingReplica(upstream, 300);
      return standInGateway(replica.baseUrl, ({ method }) =>
        method === "GET" && gets++ === 0 ? tooMany() : method === "GET" && gets === 2 ? nginxPage(504, "Gateway Time-out") : undefined,
      );
    });
    org.name = "Left behind by a killed run";
    const outcome = await restoreFromJournal(transport, provider.tokens.owner, entry, validators);
    expect(outcome.verified, outcome.message).toBe(true);
    expect(current(provider)).toEqual(snapshot);
  });

  it("sends no PATCH when every writable field already reads as the snapshot", async () => {
    const { provider, gateway, transport, entry } = await behind((upstream) =>
      standInGateway(upstream, ({ method }) => (method === "PATCH" ? tooMany() : undefined)),
    );
    const outcome = await restoreFromJournal(transport, provider.tokens.owner, entry, validators, { patienceMs: 1_000 });
    expect(outcome.verified, outcome.message).toBe(true);
    expect(patches(gateway)).toEqual([]);
  });
});
