import { describe, expect, it } from "vitest";
import { ENV, parseSettings, secretsInEnv } from "../../src/config/settings.js";
import { ToolError } from "../../src/errors.js";

const LIVE = { TENANT_API_BASE_URL: "https://api.example.com/tenant", TENANT_API_TOKEN: "tok-1234567" };

/** The ToolError parseSettings throws for `env` (fails the test when it throws none). */
function refusal(env: NodeJS.ProcessEnv, argv: string[] = []): ToolError {
  try {
    parseSettings(argv, env);
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw error;
  }
  throw new Error("parseSettings accepted the settings");
}

describe("a run meant for a live API never falls back to the embedded provider", () => {
  it("uses the embedded provider only when no TENANT_API_* variable is set at all", () => {
    expect(parseSettings([], { HOME: "/root", PATH: "/bin" }).baseUrl).toBeUndefined();
  });

  it.each([
    ["a token with an empty base URL (an unset CI variable)", { TENANT_API_TOKEN: "tok-1234567", TENANT_API_BASE_URL: "" }, "is empty"],
    ["a token with a base URL of blanks", { TENANT_API_TOKEN: "tok-1234567", TENANT_API_BASE_URL: "  " }, "is empty"],
    ["a token and an org id without a base URL", { TENANT_API_TOKEN: "tok-1234567", TENANT_API_ORG_ID: "org-1" }, "is not set"],
    ["only an empty base URL", { TENANT_API_BASE_URL: "" }, "is empty"],
    ["only TENANT_API_ALLOW_MUTATIONS", { TENANT_API_ALLOW_MUTATIONS: "1" }, "is not set"],
  ])("refuses %s, naming what is set and that the base URL is missing", (_name, env, missing) => {
    const error = refusal(env);
    expect(error.code).toBe("CONFIG_MISSING");
    expect(error.message).toContain(`TENANT_API_BASE_URL ${missing}`);
    for (const name of Object.keys(env).filter((n) => n !== ENV.baseUrl)) expect(error.message).toContain(name);
  });

  it.each([
    ["TENANT_API_BASE_URI", "TENANT_API_BASE_URL"],
    ["TENANT_API_TOKENS", "TENANT_API_TOKEN"],
    ["TENANT_API_ORGID", "TENANT_API_ORG_ID"],
    ["TENANT_API_ALLOW_MUTATION", "TENANT_API_ALLOW_MUTATIONS"],
    ["tenant_api_member_token", "TENANT_API_MEMBER_TOKEN"],
  ])("refuses the unknown name %s, naming the closest known one", (unknown, closest) => {
    const error = refusal({ ...LIVE, [unknown]: "value" });
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(`unknown variable ${unknown} (did you mean ${closest}?)`);
  });

  it("refuses a misspelt base URL even when nothing else would be wrong", () => {
    expect(refusal({ TENANT_API_BASE_URI: LIVE.TENANT_API_BASE_URL, TENANT_API_TOKEN: "tok-1234567" }).message).toContain(
      "did you mean TENANT_API_BASE_URL?",
    );
  });

  it("accepts every name of the ENV table (the single list of known names)", () => {
    // Each its own value: two personas with one token are refused (below).
    const env = Object.fromEntries(Object.values(ENV).map((name) => [name, name.endsWith("_MUTATIONS") ? "1" : `value-${name}`]));
    expect(() => parseSettings([], { ...env, ...LIVE })).not.toThrow();
  });
});

describe("org ids that URL normalisation would turn into another path", () => {
  const orgIdVariables = Object.values(ENV).filter((name) => name.endsWith("_ORG_ID"));

  it("covers every *_ORG_ID variable", () => {
    expect(orgIdVariables).toEqual(
      expect.arrayContaining(["TENANT_API_ORG_ID", "TENANT_API_FOREIGN_ORG_ID", "TENANT_API_MISSING_ORG_ID", "TENANT_API_INVALID_ORG_ID"]),
    );
  });

  it.each(orgIdVariables.flatMap((name) => [".", "..", " .. "].map((id) => [name, id] as const)))("refuses %s=%j", (name, id) => {
    const error = refusal({ ...LIVE, [name]: id });
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(name);
  });

  // Updated for issue 26 (this test refused "" before): CI passes an undefined variable as "", as
  // docs/ci.md's example does for every optional id; like an empty token, it is a missing one.
  it.each(orgIdVariables.flatMap((name) => ["", "  "].map((id) => [name, id] as const)))(
    "reads %s=%j as not set (issue 26)",
    (name, id) => {
      const settings = parseSettings([], { ...LIVE, [name]: id });
      expect(Object.values(settings)).not.toContain(id);
      expect(settings.orgId).toBeUndefined();
    },
  );

  it.each([
    ["a slash, which encodeURIComponent turns into %2F", "a/b"],
    ["dots inside an id", "org.v2..x"],
    ["an encoded dot segment, which is encoded again", "%2e%2e"],
  ])("accepts %s", (_name, id) => {
    expect(parseSettings([], { ...LIVE, TENANT_API_INVALID_ORG_ID: id }).invalidOrgId).toBe(id);
  });
});

describe("the personas beyond the owner", () => {
  it("reads the admin's and the foreign org owner's tokens, and counts them as secrets", () => {
    const env = { ...LIVE, TENANT_API_ADMIN_TOKEN: " admin-token-1 ", TENANT_API_FOREIGN_TOKEN: "foreign-token-1" };
    const settings = parseSettings([], env);
    expect([settings.adminToken, settings.foreignToken]).toEqual(["admin-token-1", "foreign-token-1"]);
    expect(secretsInEnv(env)).toEqual(expect.arrayContaining(["admin-token-1", "foreign-token-1"]));
  });
});

describe("tokens a header cannot carry, and personas sharing one", () => {
  it.each([
    ["a line break inside", { TENANT_API_TOKEN: "tok-1234567\nsecond-line" }, "TENANT_API_TOKEN contains a line break"],
    ["a carriage return", { TENANT_API_MEMBER_TOKEN: "tok-mem\rber" }, "TENANT_API_MEMBER_TOKEN contains a line break"],
    ["a control character", { TENANT_API_ADMIN_TOKEN: "tok-ad\u0000min" }, "TENANT_API_ADMIN_TOKEN contains a character an HTTP header"],
    ["a character beyond Latin-1", { TENANT_API_OUTSIDER_TOKEN: "tok-\u2013dash" }, "TENANT_API_OUTSIDER_TOKEN contains a character"],
    [
      "one token in two variables",
      { TENANT_API_FOREIGN_TOKEN: "tok-1234567" },
      "TENANT_API_FOREIGN_TOKEN holds the same token as TENANT_API_TOKEN",
    ],
  ])("refuses %s, naming the variable and never the value", (_name, extra, message) => {
    const error = refusal({ ...LIVE, ...extra });
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/tok-/);
  });

  it("accepts a trailing line break (trimmed, as a secret file often ends)", () => {
    expect(parseSettings([], { ...LIVE, TENANT_API_TOKEN: "tok-1234567\n" }).token).toBe("tok-1234567");
  });
});

describe("the proxy variables", () => {
  it("are read lower case first, and absent when no proxy is set", () => {
    expect(parseSettings([], LIVE).proxy).toBeUndefined();
    const env = { ...LIVE, https_proxy: "http://proxy.ci:3128", HTTPS_PROXY: "http://other:1", no_proxy: "localhost" };
    expect(parseSettings([], env).proxy).toEqual({ httpProxy: undefined, httpsProxy: "http://proxy.ci:3128", noProxy: "localhost" });
  });

  it("refuses a proxy that is not an http(s) URL, without printing it (it may hold credentials)", () => {
    const error = refusal({ ...LIVE, HTTP_PROXY: "user:s3cret@proxy" });
    expect(error.message).toBe("HTTP_PROXY is not an http:// or https:// URL");
  });
});

describe("--max-retry-after-ms", () => {
  it("bounds the Retry-After a request waits for: 30 s unless given", () => {
    expect(parseSettings([], LIVE).maxRetryAfterMs).toBe(30_000);
    expect(parseSettings(["--max-retry-after-ms", "120000"], LIVE).maxRetryAfterMs).toBe(120_000);
    expect(parseSettings(["--max-retry-after-ms", "0"], LIVE).maxRetryAfterMs).toBe(0);
  });

  it("refuses what is not a whole number of ms up to 10 minutes, in one line", () => {
    expect(refusal(LIVE, ["--max-retry-after-ms", "soon"]).message).toMatch(/^--max-retry-after-ms must be/);
    expect(refusal(LIVE, ["--max-retry-after-ms", "600001"]).message).toMatch(/^--max-retry-after-ms must be/);
  });
});
