/**
 * A loopback stand-in for a Pact broker: it records every request and answers the few HAL
 * resources the official CLI walks for publish, can-i-deploy and record-deployment, shaped like
 * the broker's own responses (the CLI parses them). It decides nothing: tests read `requests`.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface BrokerStandIn {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const ENVIRONMENT_ID = "16926ef3-590f-4e3f-838e-719717aa88c9";

export async function startBrokerStandIn(options: { deployable?: boolean } = {}): Promise<BrokerStandIn> {
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
      const [status, body] = answer(recorded, base, options.deployable ?? true);
      response.writeHead(status, { "content-type": "application/hal+json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
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

function answer(request: RecordedRequest, base: string, deployable: boolean): [number, unknown] {
  const { method, url } = request;
  if (method === "GET" && url === "/") {
    return [
      200,
      {
        _links: {
          self: link(base, "index", "Index"),
          "pb:publish-contracts": link(`${base}/contracts/publish`, "publish-contracts", "Publish contracts"),
          "pb:pacticipant-version": { href: `${base}/pacticipants/{pacticipant}/versions/{version}`, templated: true },
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
  if (method === "GET" && url.startsWith("/matrix")) {
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
  return [404, { error: `stand-in has no ${method} ${url}` }];
}
