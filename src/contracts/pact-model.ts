import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { isObject, type JsonObject } from "../spec/assemble.js";

export interface PactBody {
  /** The media type of the body: the Content-Type header, else V4's body.contentType. */
  contentType: string | undefined;
  /** The parsed JSON value; undefined when `notJson`. */
  value: unknown;
  /** Set when the body is present but could not be read as JSON. */
  notJson?: string;
}

export interface PactHttpInteraction {
  description: string;
  method: string;
  path: string;
  /** Header names lowercased, multiple values joined with ", ". */
  requestHeaders: Map<string, string>;
  requestBody: PactBody | undefined;
  status: number;
  responseHeaders: Map<string, string>;
  responseBody: PactBody | undefined;
}

export interface PactDocument {
  consumer: string;
  provider: string;
  interactions: PactHttpInteraction[];
  /** Descriptions of interactions that are not synchronous HTTP (messages): not checkable here. */
  skipped: string[];
}

export function loadPact(path: string): PactDocument {
  return parsePact(readJsonFile(path, "pact", { unreadable: "PACT_INVALID", invalid: "PACT_INVALID" }), path);
}

export function parsePact(raw: unknown, origin = "pact"): PactDocument {
  if (!isObject(raw) || !Array.isArray(raw.interactions)) {
    throw new ToolError("PACT_INVALID", `${origin} is not a pact (needs an "interactions" array)`);
  }
  const document: PactDocument = { consumer: nameOf(raw.consumer), provider: nameOf(raw.provider), interactions: [], skipped: [] };
  raw.interactions.forEach((interaction: unknown, index: number) => {
    const where = `${origin} interaction #${index}`;
    if (!isObject(interaction)) throw new ToolError("PACT_INVALID", `${where} is not an object`);
    const description = typeof interaction.description === "string" ? interaction.description : `#${index}`;
    // V4 types its interactions; V2/V3 interactions are all synchronous HTTP.
    if (interaction.type !== undefined && interaction.type !== "Synchronous/HTTP") {
      document.skipped.push(description);
      return;
    }
    document.interactions.push(parseHttp(interaction, description, where));
  });
  return document;
}

function parseHttp(interaction: JsonObject, description: string, where: string): PactHttpInteraction {
  const { request, response } = interaction;
  if (!isObject(request) || typeof request.method !== "string" || typeof request.path !== "string") {
    throw new ToolError("PACT_INVALID", `${where} has no request method and path`);
  }
  if (!isObject(response) || typeof response.status !== "number") {
    throw new ToolError("PACT_INVALID", `${where} has no response status`);
  }
  const requestHeaders = headersOf(request.headers);
  const responseHeaders = headersOf(response.headers);
  return {
    description,
    method: request.method.toUpperCase(),
    path: request.path,
    requestHeaders,
    requestBody: bodyOf(request.body, requestHeaders.get("content-type")),
    status: response.status,
    responseHeaders,
    responseBody: bodyOf(response.body, responseHeaders.get("content-type")),
  };
}

function nameOf(pacticipant: unknown): string {
  return isObject(pacticipant) && typeof pacticipant.name === "string" ? pacticipant.name : "unknown";
}

function headersOf(headers: unknown): Map<string, string> {
  const result = new Map<string, string>();
  if (!isObject(headers)) return result;
  for (const [name, value] of Object.entries(headers)) {
    result.set(name.toLowerCase(), Array.isArray(value) ? value.map(String).join(", ") : String(value));
  }
  return result;
}

/** V4: {content, contentType, encoded}; V2/V3: the JSON value itself. Undefined when absent. */
function bodyOf(body: unknown, headerType: string | undefined): PactBody | undefined {
  if (body === undefined) return undefined;
  const isV4 = isObject(body) && "content" in body && ("contentType" in body || "encoded" in body);
  if (!isV4) return { contentType: headerType, value: body };
  const v4 = body as JsonObject;
  const contentType = headerType ?? (typeof v4.contentType === "string" ? v4.contentType : undefined);
  // Unencoded V4 content is the JSON value itself (Pact writes JSON bodies that way).
  if (v4.encoded === false || v4.encoded === undefined) return { contentType, value: v4.content };
  const text = Buffer.from(String(v4.content), v4.encoded === "base64" ? "base64" : "utf8").toString("utf8");
  return parseText(text, contentType);
}

function parseText(text: string, contentType: string | undefined): PactBody {
  try {
    return { contentType, value: JSON.parse(text) };
  } catch (error) {
    return { contentType, value: undefined, notJson: (error as Error).message };
  }
}
