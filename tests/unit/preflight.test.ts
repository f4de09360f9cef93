import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { preflightList, tlsProblem } from "../../src/conformance/preflight.js";
import { listSchemaProblems, orgFromPreflight } from "../../src/conformance/prepare.js";
import { ToolError } from "../../src/errors.js";
import { type Exchange, HttpTransport } from "../../src/http/transport.js";

const ORG = "3f0e6a3c-0d2b-4c55-9a43-6bd1c2a2d7f1";
const OTHER = "org_8f3a92c1d4e5b6a7";

/** The owner's list answer as the transport returns it. */
function answer(status: number, body: string, contentType = "application/json", extra: Partial<Exchange> = {}): Exchange {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return {
    method: "GET",
    url: "https://api.example.com/api/v1/orgs",
    status,
    headers: { "content-type": contentType },
    bodyText: body,
    ...(json === undefined ? { jsonError: "not JSON" } : { json }),
    attempts: 1,
    durationMs: 1,
    ...extra,
  };
}

const list = (...ids: unknown[]) => JSON.stringify({ data: ids.map((id) => ({ id, name: "Org", status: "active" })) });

describe("the preflight: configuration mistakes are exit 2, not findings", () => {
  it.each([
    ["a 404 HTML page (a base URL without /tenant)", answer(404, "<html>Not Found</html>", "text/html"), "/tenant prefix"],
    [
      "a 404 from the API (no organizations for the token)",
      answer(404, '{"code":"not_found","message":"No organizations found."}'),
      "owner",
    ],
    ["a 200 HTML page (a web front end)", answer(200, "<!doctype html><title>Console</title>", "text/html; charset=utf-8"), "text/html"],
    ["a 200 JSON that is not a list", answer(200, '{"status":"ok"}'), "not an organization list"],
    ["a 200 JSON null", answer(200, "null"), "not an organization list"],
    ["a list without the configured org", answer(200, list(OTHER)), `TENANT_API_ORG_ID ${ORG} is not among the 1 organizations`],
    ["an empty list", answer(200, list()), "is not among the 0 organizations"],
    [
      "a redirect of the base URL (http to https, an old host)",
      answer(301, "", "text/html", { headers: { location: "https://api.example.com/api/v1/orgs" } }),
      "a redirect to https://api.example.com/api/v1/orgs: set TENANT_API_BASE_URL to the API's final URL",
    ],
  ])("refuses %s", (_name, probe, message) => {
    expect(() => orgFromPreflight(probe, ORG)).toThrow(ToolError);
    expect(() => orgFromPreflight(probe, ORG)).toThrow(message);
  });

  it("refuses an empty list when no org id is configured", () => {
    expect(() => orgFromPreflight(answer(200, list()), undefined)).toThrow("lists no organization");
  });

  it("takes the first listed org when no org id is configured", () => {
    expect(orgFromPreflight(answer(200, list(OTHER, ORG)), undefined)).toBe(OTHER);
  });

  it("accepts the configured org wherever it is listed", () => {
    expect(orgFromPreflight(answer(200, list(OTHER, ORG)), ORG)).toBe(ORG);
  });

  it.each([
    ["a list item with a bad enum value", answer(200, JSON.stringify({ data: [{ id: ORG, name: "Org", status: "deleted" }] }))],
    ["a list item with a numeric id", answer(200, list(48213)), "48213"],
    ["a list answered as a bare array", answer(200, JSON.stringify([{ id: ORG, name: "Org", status: "active" }]))],
    ["a list with items that are not objects", answer(200, JSON.stringify({ data: [7, null, { id: ORG }] }))],
    ["a body labelled JSON that is not JSON", answer(200, "<html>502 Bad Gateway</html>")],
    ["a 500", answer(500, '{"code":"internal","message":"boom"}')],
    ["a 403", answer(403, '{"code":"forbidden","message":"no"}')],
    ["a 3xx without a Location", answer(302, "", "text/html")],
    ["a time-out", answer(200, "", "application/json", { failure: { kind: "timeout", message: "too slow" } })],
  ])("leaves %s to the checks, as a finding of the API", (_name, probe, orgId = ORG) => {
    expect(orgFromPreflight(probe, orgId, listSchemaProblems(probe))).toBe(orgId);
  });

  // Issue 24: a list that breaks the schema is the API's bug; that the org is missing from it is no configuration error.
  it.each([
    ["numeric ids, none of them the configured org", answer(200, list(48213, 48214)), "/data/0/id"],
    ["a bare array without the org", answer(200, JSON.stringify([{ id: OTHER }])), "/"],
  ])("leaves a list with %s to the checks, carrying its schema problems", (_name, probe, pointer) => {
    const problems = listSchemaProblems(probe);
    expect(problems).toContain(pointer);
    expect(orgFromPreflight(probe, ORG, problems)).toBe(ORG);
  });

  it("still refuses a valid list without the configured org", () => {
    const probe = answer(200, list(OTHER));
    expect(listSchemaProblems(probe)).toBeUndefined();
    expect(() => orgFromPreflight(probe, ORG, listSchemaProblems(probe))).toThrow("is not among the 1 organizations");
  });
});

describe("the preflight's TLS diagnosis", () => {
  const failed = (message: string) => answer(200, "", "application/json", { failure: { kind: "connection", message } });
  it.each([
    ["an https:// URL to a plain-HTTP server", "ERR_SSL_WRONG_VERSION_NUMBER: ssl3_get_record:wrong version number", "plain-HTTP server"],
    ["a certificate of a private CA", "SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain", "NODE_EXTRA_CA_CERTS"],
    ["an expired certificate", "CERT_HAS_EXPIRED: certificate has expired", "NODE_EXTRA_CA_CERTS"],
  ])("names %s", (_name, message, part) => {
    expect(tlsProblem(failed(message))).toContain(part);
  });

  it("says nothing of a reset connection (the API's failure, a finding)", () => {
    expect(tlsProblem(failed("ECONNRESET: socket hang up"))).toBeUndefined();
  });
});

describe("the owner's list when an answer may be transient", () => {
  /** Answers the n-th request as `answers[n]` says ("hang": no answer at all), then 200 with a list. */
  async function server(answers: (number | "hang")[]) {
    let hits = 0;
    const started = createServer((request, response) => {
      request.resume();
      const answer = answers[hits++];
      if (answer === "hang") return;
      response.writeHead(answer ?? 200, { "content-type": "application/json" });
      response.end(answer === undefined ? list(ORG) : '{"code":"internal","message":"boom"}');
    });
    await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
    const transport = new HttpTransport({ baseUrl: `http://127.0.0.1:${(started.address() as AddressInfo).port}`, timeoutMs: 300 });
    const close = async () => {
      await transport.close();
      started.closeAllConnections();
      await new Promise<void>((resolve) => started.close(() => resolve()));
    };
    return { transport, hits: () => hits, close };
  }

  it("asks again after a time-out and a 500, and says so", async () => {
    const s = await server(["hang", 500]);
    try {
      const { probe, retriedAfter } = await preflightList(s.transport, "Bearer t", 1);
      expect(probe.status).toBe(200);
      expect(retriedAfter).toEqual([expect.stringMatching(/^timeout/), "500"]);
      expect(s.hits()).toBe(3);
    } finally {
      await s.close();
    }
  });

  it("gives up after 3 attempts, and never asks again after a 4xx", async () => {
    const failing = await server([500, 502, 500, 500]);
    try {
      expect((await preflightList(failing.transport, "Bearer t", 1)).probe.status).toBe(500);
      expect(failing.hits()).toBe(3);
    } finally {
      await failing.close();
    }
    const refused = await server([403]);
    try {
      expect((await preflightList(refused.transport, "Bearer t", 1)).probe.status).toBe(403);
      expect(refused.hits()).toBe(1);
    } finally {
      await refused.close();
    }
  });
});
