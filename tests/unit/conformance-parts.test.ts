import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/settings.js";
import { deriveMissingId } from "../../src/conformance/target.js";
import { ToolError } from "../../src/errors.js";
import { Redactor } from "../../src/redaction.js";
import { xml } from "../../src/report/junit.js";

describe("the redactor", () => {
  it("replaces every secret, longest first, also in its JSON-escaped form", () => {
    const redactor = new Redactor(["tok-abc", "tok-abcdef", 'q"uote-token']);
    expect(redactor.redact("a tok-abcdef b tok-abc")).toBe("a [REDACTED] b [REDACTED]");
    expect(redactor.redact(JSON.stringify({ t: 'q"uote-token' }))).toBe('{"t":"[REDACTED]"}');
  });

  it("ignores values too short to be secrets", () => {
    expect(new Redactor(["ab"]).redact("abc")).toBe("abc");
  });
});

describe("a missing id derived from the shape of a real one", () => {
  it.each([
    ["a UUID", "3f0e6a3c-0d2b-4c55-9a43-6bd1c2a2d7f1", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
    ["a prefixed hex id", "org_8f3a92c1d4e5b6a7", /^org_[0-9a-f]{16}$/],
    ["a number", "48213", /^\d{12}$/],
  ])("keeps the shape of %s", (_name, real, shape) => {
    const missing = deriveMissingId(real);
    expect(missing).toMatch(shape);
    expect(missing).not.toBe(real);
  });
});

describe("settings", () => {
  it("reads the contract's variables and flags", () => {
    const settings = parseSettings(["--read-only", "--timeout-ms", "2500", "--seed", "7", "--runs", "20"], {
      TENANT_API_BASE_URL: "https://api.example.com/tenant/",
      TENANT_API_TOKEN: "tok-1234567",
      TENANT_API_ALLOW_MUTATIONS: "1",
    });
    expect(settings).toMatchObject({
      baseUrl: "https://api.example.com/tenant",
      readOnly: true,
      allowMutations: true,
      timeoutMs: 2500,
      seed: 7,
      runs: 20,
    });
  });

  it.each([
    ["credentials in the URL", { TENANT_API_BASE_URL: "https://user:pw@api.example.com/tenant", TENANT_API_TOKEN: "t" }],
    ["a non-http URL", { TENANT_API_BASE_URL: "ftp://api.example.com/tenant", TENANT_API_TOKEN: "t" }],
    ["--restore without a base URL", {}, ["--restore"]],
    ["a negative run count", {}, ["--runs", "-1"]],
  ])("refuses %s with a ToolError", (_name, env, argv: string[] = []) => {
    expect(() => parseSettings(argv, env)).toThrow(ToolError);
  });
});

describe("JUnit escaping", () => {
  it("escapes markup and replaces characters XML cannot carry", () => {
    expect(xml('<a href="x">&\u0000</a>')).toBe("&lt;a href=&quot;x&quot;&gt;&amp;\uFFFD&lt;/a&gt;");
  });
});
