import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpTransport } from "../../src/http/transport.js";
import { REDACTED, Redactor } from "../../src/redaction.js";
import { FORMS, PIECE, tokenLeaks } from "../support/leaks.js";

// 40+ characters, holding every character an encoding changes: \ " & < > % + and '
const TOKEN = "nc-at-Q7\\\"&<>%+'x9F2kLmN8pR4sT6vW1yZ3bD5fH0jK-tail";
const OTHER = "sk-nc-4f9a2b7c1d8e3f6a0b5c9d2e7f1a4b8c";

describe("the redactor", () => {
  const redactor = new Redactor([TOKEN, OTHER]);

  it.each(FORMS)("removes every piece of %s of the token, cut anywhere, in any letter case", (_name, encode) => {
    for (let start = 0; start + PIECE <= TOKEN.length; start += 3) {
      for (const end of [start + PIECE, start + PIECE + 5, TOKEN.length]) {
        if (end > TOKEN.length) continue;
        const encoded = encode(TOKEN.slice(start, end));
        for (const text of [`got "${encoded}"…`, `x ${encoded.toUpperCase()} y`, `x${encoded.toLowerCase()}`]) {
          const redacted = redactor.redact(text);
          expect(tokenLeaks(redacted, [TOKEN])).toEqual([]);
          expect(redacted).toContain(REDACTED);
        }
      }
    }
  });

  it("removes the pieces of base64 of the token at every byte alignment", () => {
    for (const prefix of ["", "a", "ab"]) {
      const redacted = redactor.redact(Buffer.from(`${prefix}${TOKEN}`).toString("base64"));
      for (let start = 0; start + PIECE <= TOKEN.length; start += 1) {
        // Whatever the alignment, no run of 14 token bytes survives in the encoded text.
        const window = Buffer.from(`${TOKEN.slice(start, start + 14)}`)
          .toString("base64")
          .slice(4, 16);
        if (TOKEN.length - start >= 14) expect(redacted).not.toContain(window);
      }
    }
  });

  it("leaves ordinary text alone: the README and the summary lines of a run", () => {
    const readme = readFileSync(new URL("../../docs/safety.md", import.meta.url), "utf8");
    expect(redactor.redact(readme)).toBe(readme);
    const line = 'FAIL getOrganization 200 /status: expected one of ["active","suspended","archived","inactive"], got "deleted"';
    expect(redactor.redact(line)).toBe(line);
  });

  it("replaces a secret shorter than a piece only whole", () => {
    const short = new Redactor(["tok-1234567"]);
    expect(short.redact("a tok-1234567 b")).toBe(`a ${REDACTED} b`);
    expect(short.redact("a tok-12345 b")).toBe("a tok-12345 b");
  });

  it("redacts a parsed body in place: strings and property names at any depth, __proto__ too", () => {
    const body = JSON.parse(
      JSON.stringify({ data: [{ name: TOKEN.slice(3, 40), [TOKEN]: 1, nested: [[encodeURIComponent(TOKEN)]] }], n: 5 }).replace(
        '"n":5',
        `"__proto__":"${JSON.stringify(TOKEN).slice(1, -1)}","n":5`,
      ),
    ) as Record<string, unknown>;
    const same = redactor.redactJson(body);
    expect(same).toBe(body);
    expect(tokenLeaks(JSON.stringify(body), [TOKEN])).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(body, "__proto__")?.value).toBe(REDACTED);
    expect(body.n).toBe(5);
  });

  it("learns more secrets later and applies them from then on", () => {
    const growing = new Redactor([]);
    expect(growing.redact(OTHER)).toBe(OTHER);
    growing.add([OTHER]);
    expect(growing.redact(OTHER)).toBe(REDACTED);
  });
});

describe("the transport with a redactor", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function echo(body: string): Promise<string> {
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, {
        "content-type": "application/json",
        "x-echo": encodeURIComponent(TOKEN),
        [`x-${TOKEN.slice(20, 40)}`]: "1",
      });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("redacts headers, the body text, the parsed body and a parse error quoting the body as they arrive", async () => {
    for (const body of [JSON.stringify({ name: TOKEN.slice(2, 30), [TOKEN.toLowerCase()]: [TOKEN] }), `${TOKEN.slice(1)} is no JSON`]) {
      const transport = new HttpTransport({ baseUrl: await echo(body), timeoutMs: 2_000 });
      closers.push(() => transport.close());
      transport.redactWith(new Redactor([TOKEN]));
      const exchange = await transport.send({ method: "GET", path: "/" });
      expect(exchange.status).toBe(200);
      expect(tokenLeaks(JSON.stringify(exchange), [TOKEN])).toEqual([]);
      expect(JSON.stringify(exchange)).toContain(REDACTED);
    }
  });
});
