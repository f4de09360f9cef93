/**
 * Servers that attack the suite through what they answer, not through how (see bad-servers.ts for
 * that): one echoes the caller's token back cut, re-cased and encoded; one sends text meant to drive
 * a terminal or a CI log; two send bodies that are expensive to process. Each is a `Misbehaviour`
 * for `startBadServer`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Misbehaviour } from "./bad-servers.js";

/** The org id the tests configure; the servers list it so the run gets past its preflight. */
export const HOSTILE_ORG_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

function json(res: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  res.writeHead(status, { "content-type": contentType });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const html = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const hex = (text: string) => Buffer.from(text).toString("hex");
/** Every byte percent-encoded, every character a `\uXXXX` escape, every character an `&#NNN;` entity. */
const everyByte = (text: string) => [...Buffer.from(text)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
const everyUnit = (text: string) => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
const entities = (text: string) => [...text].map((c) => `&#${c.codePointAt(0)};`).join("");

/** Which request this is, from the org id in its path (`/tenant/api/v1/orgs/<id>`). */
function orgIdOf(req: IncomingMessage): string | undefined {
  const match = /^\/tenant\/api\/v1\/orgs\/([^/?]+)/.exec(req.url ?? "");
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

/**
 * Echoes whatever token the request carried, in the forms the issue saw: cut short, lower-cased,
 * percent- and form-encoded, JSON-escaped twice, HTML-escaped, base64, as a property name, in a
 * Content-Type and a Location header, and at the start of a body that is not JSON (parse errors
 * quote the body). Issue 18 added the spelled-out forms that still leaked: every byte
 * percent-encoded, `\uXXXX` escapes, `&#NNN;` entities, hex (in the Location header too), UTF-16
 * base64 and the token reversed.
 */
export const echoTheToken =
  (ownerToken: string): Misbehaviour =>
  (req, res) => {
    const header = req.headers.authorization ?? "";
    const token = header.replace(/^Bearer /, "");
    if (token === "") return json(res, 401, { code: "unauthorized", message: "no token" });
    const orgId = orgIdOf(req);
    if (orgId === undefined && header !== `Bearer ${ownerToken}`) {
      // Any other caller: a list whose status is the token, which the schema check quotes (cut).
      return json(res, 200, { data: [{ id: HOSTILE_ORG_ID, name: "Echo", status: token.toLowerCase() }] });
    }
    if (orgId === undefined) {
      // The owner's list: valid, but an entry the GET below disagrees with in every field.
      return json(res, 200, {
        data: [
          {
            id: HOSTILE_ORG_ID,
            name: token.slice(0, 50),
            status: "active",
            description: encodeURIComponent(token),
            referral_code: JSON.stringify(JSON.stringify(token)),
            [token]: header,
            every_byte: everyByte(token),
            entities: entities(token),
            hex: hex(token),
            utf16: Buffer.from(token, "utf16le").toString("base64"),
            reversed: [...token].reverse().join(""),
          },
        ],
      });
    }
    if (orgId === HOSTILE_ORG_ID) {
      return json(res, 200, {
        id: HOSTILE_ORG_ID,
        name: html(token),
        status: "active",
        description: new URLSearchParams({ t: token }).toString(),
        referral_code: Buffer.from(`x${token}`).toString("base64"),
      });
    }
    if (orgId === "not-an-id") return json(res, 400, { code: "bad", message: "bad" }, `text/${token}`);
    if (/^[0-9a-f-]+$/.test(orgId)) {
      res.writeHead(302, {
        location: `https://elsewhere.example/?t=${encodeURIComponent(token)}&raw=${token}&hex=${hex(token)}`,
        "content-type": "application/json",
      });
      return res.end("{}");
    }
    // Not JSON (labelled so): the excerpt quotes the text as sent, `\uXXXX` escapes and entities included.
    return json(res, 200, `${token} is the token you sent; "${everyUnit(token)}" <b>${entities(token)}</b>`);
  };

/** Strings meant for a terminal or a CI log: clear the screen, rewrite the line, workflow commands. */
export const INJECTIONS = {
  clear: "\u001b[2J",
  carriageReturn: "\r",
  setOutput: "\n::set-output name=verdict::pass",
  error: "\n::error::forged error",
  c1: "\u009b31m",
  bidi: "\u202eevil\u2066",
  // The legacy parsers obey these anywhere in a line, not only at its start.
  legacy: " ##[error]forged ##VSO[task.complete result=Succeeded]done",
} as const;

const injected = Object.values(INJECTIONS).join("");

/** Sends the injections in property names, values, header values and a body that is not JSON. */
export const injectIntoTheConsole: Misbehaviour = (req, res) => {
  const orgId = orgIdOf(req);
  if (orgId === undefined && !req.headers.authorization?.startsWith("Bearer ")) {
    return json(res, 200, { data: [{ id: HOSTILE_ORG_ID, name: "Injected", status: injected }] });
  }
  if (orgId === undefined) {
    // Valid, but the GET below disagrees: the difference names these properties and quotes the name.
    const entry = {
      id: HOSTILE_ORG_ID,
      name: `${INJECTIONS.c1}${INJECTIONS.bidi}`,
      status: "active",
      [injected]: 1,
      [`::error::${INJECTIONS.clear}`]: 1,
    };
    return json(res, 200, { data: [entry] });
  }
  if (orgId === HOSTILE_ORG_ID) return json(res, 200, { id: HOSTILE_ORG_ID, name: "Plain", status: "active" });
  // Header values carry no C0 controls over HTTP/1.1, but latin1 bytes 0x80-0x9f arrive as C1.
  if (orgId === "not-an-id") return json(res, 400, { code: "bad", message: "bad" }, "text/x\x9b2J\x85::error::header");
  if (/^[0-9a-f-]+$/.test(orgId)) {
    res.writeHead(302, { location: "/\x9b2J\x85::set-output name=x::y", "content-type": "application/json" });
    return res.end("{}");
  }
  return json(res, 200, `${INJECTIONS.clear}${INJECTIONS.error}${INJECTIONS.carriageReturn}${INJECTIONS.setOutput}`);
};

/** The org as a list entry, so a run gets past any preflight that looks for it. */
const ORG_ENTRY = { id: HOSTILE_ORG_ID, name: "Hostile", status: "active" };

/** Invalid items (`1,` each, not objects) after the org in a list body of just under 1 MiB. */
export const INVALID_ITEMS = 523_990;

/** The owner's list is the org and INVALID_ITEMS invalid items; everything else is a documented 404. */
export const answerAHugeInvalidList =
  (ownerToken: string): Misbehaviour =>
  (req, res) => {
    if (orgIdOf(req) === undefined && req.headers.authorization === `Bearer ${ownerToken}`) {
      return json(res, 200, `{"data":[${JSON.stringify(ORG_ENTRY)}${",1".repeat(INVALID_ITEMS)}]}`);
    }
    return json(res, 404, { code: "not_found", message: "no such organization" });
  };

/** JSON nested this deep overflows the stack of any recursive walk (JSON.stringify, Ajv). */
export const DEEP_NESTING = 100_000;

/** The list is valid (it names the org); every other answer is nested DEEP_NESTING levels deep. */
export const answerDeeplyNestedJson: Misbehaviour = (req, res) => {
  if (orgIdOf(req) === undefined) return json(res, 200, { data: [ORG_ENTRY] });
  json(res, 200, `{"data":${"[".repeat(DEEP_NESTING)}${"]".repeat(DEEP_NESTING)}}`);
};

/** 450 KiB: an error `code` and `message` this long, quoted by every finding about them, made 85 MB reports. */
export const HUGE_STRING_LENGTH = 450 * 1024;

/**
 * The owner's list and org are valid; every other answer (another token, an unknown org) is an error
 * whose `code` and `message` are HUGE_STRING_LENGTH characters long (the body stays under the 1 MiB
 * cap), so every finding about an error response quotes a huge server string.
 */
export const answerHugeErrorStrings =
  (ownerToken: string): Misbehaviour =>
  (req, res) => {
    // A blank inside: a code must be one token, so the error-body-text rule quotes it.
    const huge = (letter: string) => `${letter} ${"x".repeat(HUGE_STRING_LENGTH - 2)}`;
    if (req.headers.authorization !== `Bearer ${ownerToken}`) return json(res, 401, { code: huge("u"), message: huge("m") });
    const orgId = orgIdOf(req);
    if (orgId === undefined) return json(res, 200, { data: [ORG_ENTRY] });
    if (orgId === HOSTILE_ORG_ID) return json(res, 200, ORG_ENTRY);
    json(res, 404, { code: huge("n"), message: huge("m") });
  };

/**
 * The owner's list and org are valid; every other request is redirected to a Location of 8,000
 * characters (within the HTTP client's header limit), which each `redirect` finding quotes: a summary
 * of several hundred KiB, more than a pipe holds.
 */
export const redirectWithLongLocations =
  (ownerToken: string): Misbehaviour =>
  (req, res) => {
    const orgId = orgIdOf(req);
    if (req.headers.authorization === `Bearer ${ownerToken}` && orgId === undefined) return json(res, 200, { data: [ORG_ENTRY] });
    if (req.headers.authorization === `Bearer ${ownerToken}` && orgId === HOSTILE_ORG_ID) return json(res, 200, ORG_ENTRY);
    res.writeHead(302, { location: `/elsewhere?${"l".repeat(8_000)}`, "content-type": "application/json" });
    res.end("{}");
  };
