/**
 * A loopback stand-in for a Pact broker: it records every request and answers the HAL resources
 * the official CLI and the pact verifier walk (index, publish, matrix, versions, branch versions,
 * deployments, pacts for verification, pact content, verification results), shaped like the
 * broker's own responses (both clients parse them). It decides nothing: tests read `requests`.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A pact the broker holds for the provider, and how it is offered for verification. */
export interface StandInPact {
  /** The pact document as a consumer published it. */
  content: { consumer: { name: string }; provider: { name: string }; [key: string]: unknown };
  /** Offered as pending: its failure must not fail the provider's build. */
  pending?: boolean;
  /** A work-in-progress pact: offered only when the verifier asks for WIP pacts. */
  wip?: boolean;
}

export interface BrokerStandInOptions {
  /** The matrix's answer to can-i-deploy (default true); null is "unknown" (a verification result is missing). */
  deployable?: boolean | null;
  /** The pacts offered for verification (default none). */
  pacts?: StandInPact[];
  /**
   * When set, every request without exactly this Authorization header gets a 401 whose error echoes
   * the header it got, as some brokers and proxies do (the CLI prints that error).
   */
  requireAuthorization?: string;
}

export interface BrokerStandIn {
  baseUrl: string;
  requests: RecordedRequest[];
  /** The verification results published so far: the pact's consumer and the posted body. */
  verificationResults(): { consumer: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const ENVIRONMENT_ID = "16926ef3-590f-4e3f-838e-719717aa88c9";

export async function startBrokerStandIn(options: BrokerStandInOptions = {}): Promise<BrokerStandIn> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const recorded = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const base = `http://${request.headers.host}`;
      const [status, body] =
        options.requireAuthorization !== undefined && request.headers.authorization !== options.requireAuthorization
          ? [401, { error: `authentication required; you sent Authorization: ${request.headers.authorization ?? "nothing"}` }]
          : answer(recorded, base, options);
      response.writeHead(status, { "content-type": "application/hal+json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    verificationResults: () =>
      requests.flatMap((r) => {
        const match = /^\/pacts\/provider\/[^/]+\/consumer\/([^/]+)\/pact-version\/[^/]+\/verification-results$/.exec(r.url);
        return r.method === "POST" && match
          ? [{ consumer: decodeURIComponent(match[1] ?? ""), body: JSON.parse(r.body) as Record<string, unknown> }]
          : [];
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function link(href: string, name: string, title: string) {
  return { href, name, title };
}

/** Where a pact lives: the broker addresses pact content by provider, consumer and content hash. */
function pactPath(pact: StandInPact): string {
  const sha = createHash("sha1").update(JSON.stringify(pact.content)).digest("hex");
  return `/pacts/provider/${encodeURIComponent(pact.content.provider.name)}/consumer/${encodeURIComponent(pact.content.consumer.name)}/pact-version/${sha}`;
}

function answer(request: RecordedRequest, base: string, options: BrokerStandInOptions): [number, unknown] {
  const { method, url } = request;
  const pacts = options.pacts ?? [];
  if (method === "GET" && url === "/") {
    return [
      200,
      {
        _links: {
          self: link(base, "index", "Index"),
          "pb:publish-contracts": link(`${base}/contracts/publish`, "publish-contracts", "Publish contracts"),
          "pb:pacticipant-version": { href: `${base}/pacticipants/{pacticipant}/versions/{version}`, templated: true },
          "pb:pacticipant-branch-version": {
            href: `${base}/pacticipants/{pacticipant}/branches/{branch}/versions/{version}`,
            templated: true,
          },
          "pb:provider-pacts-for-verification": {
            href: `${base}/pacts/provider/{provider}/for-verification`,
            templated: true,
          },
          "pf:publish-provider-contract": {
            href: `${base}/provider-contracts/provider/{provider}/publish`,
            templated: true,
          },
        },
      },
    ];
  }
  if (method === "POST" && url === "/contracts/publish") {
    const parsed = JSON.parse(request.body) as Record<string, unknown>;
    const pacticipantName = String(parsed.pacticipantName);
    const pacticipantVersionNumber = String(parsed.pacticipantVersionNumber);
    const version = `${base}/pacticipants/${pacticipantName}/versions/${pacticipantVersionNumber}`;
    return [
      200,
      {
        logs: [{ level: "info", message: `Created ${pacticipantName} version ${pacticipantVersionNumber}`, deprecationWarning: "" }],
        notices: [{ type: "success", text: `Created ${pacticipantName} version ${pacticipantVersionNumber}` }],
        _embedded: {
          pacticipant: {
            name: pacticipantName,
            _links: { self: link(`${base}/pacticipants/${pacticipantName}`, pacticipantName, "Pacticipant") },
          },
          version: { number: pacticipantVersionNumber, _links: { self: link(version, pacticipantVersionNumber, "Version") } },
        },
        _links: {
          "pb:pacticipant": link(`${base}/pacticipants/${pacticipantName}`, pacticipantName, "Pacticipant"),
          "pb:pacticipant-version": link(version, pacticipantVersionNumber, "Pacticipant version"),
          "pb:pacticipant-version-tags": [],
          "pb:contracts": [link(`${version}/pact`, "pact", "Pact")],
        },
      },
    ];
  }
  const providerContract = /^\/provider-contracts\/provider\/([^/]+)\/publish$/.exec(url);
  if (method === "POST" && providerContract) {
    const provider = decodeURIComponent(providerContract[1] ?? "");
    const parsed = JSON.parse(request.body) as Record<string, unknown>;
    const version = String(parsed.pacticipantVersionNumber);
    return [
      200,
      {
        notices: [{ type: "success", text: `Published provider contract for ${provider} version ${version}` }],
        _embedded: { version: { number: version } },
        _links: {
          "pb:pacticipant-version": link(`${base}/pacticipants/${provider}/versions/${version}`, version, "Version"),
          "pb:pacticipant-version-tags": [],
        },
      },
    ];
  }
  if (method === "GET" && url.startsWith("/matrix")) {
    const deployable = options.deployable === undefined ? true : options.deployable;
    if (deployable === null) {
      const reason = "Missing one or more required verification results";
      return [200, { summary: { deployable: null, reason, success: 0, failed: 0, unknown: 1 }, matrix: [], notices: [] }];
    }
    const reason = deployable ? "All required verification results are published and successful" : "There is no verified pact";
    return [
      200,
      { summary: { deployable, reason, success: deployable ? 1 : 0, failed: 0, unknown: deployable ? 0 : 1 }, matrix: [], notices: [] },
    ];
  }
  const versionMatch = /^\/pacticipants\/([^/]+)\/versions\/([^/?]+)$/.exec(url);
  if (method === "GET" && versionMatch) {
    const [, pacticipant, version] = versionMatch;
    const deployments = `${base}/pacticipants/${pacticipant}/versions/${version}/deployed-versions/environment/${ENVIRONMENT_ID}`;
    return [
      200,
      {
        number: version,
        _links: {
          self: link(`${base}${url}`, String(version), "Version"),
          "pb:record-deployment": [link(deployments, "production", "Record deployment to Production")],
        },
      },
    ];
  }
  if (method === "POST" && url.includes("/deployed-versions/environment/")) {
    return [
      201,
      {
        uuid: "0d6ed4b5-6b8d-4f3e-9a8e-2e3a9e0b7a11",
        currentlyDeployed: true,
        _links: { self: link(`${base}${url}`, "deployed", "Deployed version") },
      },
    ];
  }
  const pacticipant = /^\/pacticipants\/([^/]+)$/.exec(url);
  if (method === "GET" && pacticipant) {
    const self = `${base}${url}`;
    return [
      200,
      {
        name: decodeURIComponent(pacticipant[1] ?? ""),
        _links: {
          self: link(self, "pacticipant", "Pacticipant"),
          "pb:branch-version": { href: `${self}/branches/{branch}/versions/{version}`, templated: true },
          "pb:version-tag": { href: `${self}/versions/{version}/tags/{tag}`, templated: true },
        },
      },
    ];
  }
  const branchVersion = /^\/pacticipants\/([^/]+)\/branches\/([^/]+)\/versions\/([^/?]+)$/.exec(url);
  if (method === "PUT" && branchVersion) {
    const [, , branch, version] = branchVersion;
    return [
      200,
      {
        number: decodeURIComponent(version ?? ""),
        branch: decodeURIComponent(branch ?? ""),
        _links: { self: link(`${base}${url}`, String(version), "Branch version") },
      },
    ];
  }
  // The verifier GETs the resource first for its links, then POSTs its selectors to `self`.
  if (method === "GET" && /^\/pacts\/provider\/[^/]+\/for-verification$/.test(url)) {
    return [200, { _links: { self: link(`${base}${url}`, "pacts for verification", "Pacts for verification") } }];
  }
  if (method === "POST" && /^\/pacts\/provider\/[^/]+\/for-verification$/.test(url)) {
    return [200, pactsForVerification(request, base, pacts)];
  }
  if (method === "POST" && url.endsWith("/verification-results")) {
    return [
      201,
      { success: (JSON.parse(request.body) as { success?: unknown }).success, _links: { self: link(`${base}${url}/1`, "1", "Result") } },
    ];
  }
  const pact = pacts.find((p) => pactPath(p) === url);
  if (method === "GET" && pact) {
    return [
      200,
      {
        ...pact.content,
        _links: {
          self: link(`${base}${url}`, "pact", "Pact"),
          "pb:provider": link(`${base}/pacticipants/${encodeURIComponent(pact.content.provider.name)}`, "provider", "Provider"),
          "pb:publish-verification-results": link(`${base}${url}/verification-results`, "results", "Publish verification results"),
        },
      },
    ];
  }
  return [404, { error: `stand-in has no ${method} ${url}` }];
}

/** The broker's "pacts for verification": WIP pacts only when asked for, pending flags as given. */
function pactsForVerification(request: RecordedRequest, base: string, pacts: StandInPact[]) {
  const query = JSON.parse(request.body || "{}") as { includeWipPactsSince?: string; includePendingStatus?: boolean };
  const offered = pacts.filter((pact) => !pact.wip || query.includeWipPactsSince !== undefined);
  return {
    _embedded: {
      pacts: offered.map((pact) => {
        const pending = query.includePendingStatus === true && (pact.pending === true || pact.wip === true);
        const consumer = pact.content.consumer.name;
        return {
          shortDescription: pact.wip ? "work in progress" : "latest from main branch",
          verificationProperties: {
            pending,
            ...(pact.wip ? { wip: true } : {}),
            notices: [
              {
                when: "before_verification",
                text: `The pact at ${base}${pactPath(pact)} is being verified because it matches the consumer version selectors`,
              },
            ],
          },
          _links: { self: link(`${base}${pactPath(pact)}`, `Pact between ${consumer} and ${pact.content.provider.name}`, "Pact") },
        };
      }),
    },
    _links: { self: link(`${base}${request.url}`, "pacts for verification", "Pacts for verification") },
  };
}
