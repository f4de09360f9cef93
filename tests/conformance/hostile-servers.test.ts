/**
 * Issue 8, items 11, 12 and 15: a server that echoes tokens leaks no piece of one, a server that
 * sends terminal and CI-log commands drives neither, and hostile bodies cost bounded work with every
 * report written.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Misbehaviour, startBadServer } from "../support/bad-servers.js";
import { type CliRun, runConformance } from "../support/cli.js";
import {
  answerAHugeInvalidList,
  answerDeeplyNestedJson,
  answerHugeErrorStrings,
  echoTheToken,
  HOSTILE_ORG_ID,
  HUGE_STRING_LENGTH,
  INVALID_ITEMS,
  injectIntoTheConsole,
} from "../support/hostile-servers.js";
import { tokenLeaks } from "../support/leaks.js";

const REPORTS = ["junit.xml", "conformance.json", "report.html"] as const;

/** Runs the gate read-only against a server that misbehaves as given; returns the run and its reports. */
async function runAgainst(misbehave: Misbehaviour, env: Record<string, string> = {}) {
  const server = await startBadServer(misbehave);
  try {
    const dir = mkdtempSync(join(tmpdir(), "hostile-"));
    const run = await runConformance(["--report-dir", dir], {
      cwd: dir,
      env: { TENANT_API_BASE_URL: server.baseUrl, TENANT_API_TOKEN: OWNER, TENANT_API_ORG_ID: HOSTILE_ORG_ID, ...env },
    });
    const reports = REPORTS.map((name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : ""));
    return { run, reports, outputs: [run.stdout, run.stderr, ...reports] };
  } finally {
    await server.close();
  }
}

// Tokens of 40+ characters holding every character that encodings change: \ " & < > % +
const OWNER = 'nc-at-0wn3r\\"&<>%+7f3a9c1e0b7e4c2a5d6f7a8b9c0d1e2f';
const TOKENS = {
  TENANT_API_TOKEN: OWNER,
  TENANT_API_MEMBER_TOKEN: 'nc-at-m3mb3r<"&>%+\\52b8d0aa1c2d3e4f5a6b7c8d9e0f1a2b',
  TENANT_API_OUTSIDER_TOKEN: 'nc-at-0uts1d3r+%&<>"\\c4e19f02a1b2c3d4e5f6a7b8c9d0e1f2',
  TENANT_API_INFERENCE_KEY: 'sk-nc-1nf3r3nc3&\\"<>+%9d7e6b31f0e1d2c3b4a5968778695a4b',
};

describe("a server that echoes the token back cut, re-cased and encoded", () => {
  it("gets no 12-character piece of any token into stdout, stderr or any report, in any form", async () => {
    const { run, outputs } = await runAgainst(echoTheToken(OWNER), { ...TOKENS, TENANT_API_FOREIGN_ORG_ID: "foreign-org" });
    expect(run.code).toBe(1);
    // The echoes did reach the findings (so the assertion below could fail): schema, header, redirect, excerpt.
    for (const code of ["response-schema", "missing-content-type", "redirect", "body-not-json", "get-own-200-equals-list-entry"]) {
      expect(run.stdout).toContain(`[${code}]`);
    }
    expect(run.stdout).toContain("[REDACTED]");
    for (const output of outputs) expect(tokenLeaks(output, Object.values(TOKENS))).toEqual([]);
  });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function consoleOf(run: CliRun): string {
  return `${run.stdout}${run.stderr}`;
}

describe("a server that sends terminal escapes and CI workflow commands", () => {
  it("drives neither the terminal nor the CI log: controls are escaped, no line starts with ::", async () => {
    const { run } = await runAgainst(injectIntoTheConsole, { TENANT_API_FOREIGN_ORG_ID: "foreign-org" });
    expect(run.code).toBe(1);
    const text = consoleOf(run);
    // What the server sent is shown, escaped: in a value, a property name, a header and a body excerpt.
    expect(text).toContain("\\x9b31m\\u202eevil\\u2066");
    expect(text).toContain("::error::\\e[2J");
    expect(text).toContain("text/x\\x9b2J\\x85::error::header");
    expect(text).toContain("\\e[2J\\n::err");
    expect(text).not.toMatch(UNSAFE);
    expect(text.split("\n").filter((line) => /^\s*(::|##)/.test(line))).toEqual([]);
    // The legacy commands were shown (escaped), and none is left anywhere in a line.
    expect(text).toContain("##\\[error]forged ##VSO\\[task.complete");
    expect(text).not.toMatch(/##(vso)?\[/i);
  });
});

interface JsonReport {
  checks: { id: string; findings: { code: string; operationId: string; pointer: string; actual: string }[] }[];
}

describe("bodies that cost unbounded work to process", () => {
  it("a 1 MiB list of invalid items: at most 50 problems per response plus a count of the rest, every report written", async () => {
    const { run, reports } = await runAgainst(answerAHugeInvalidList(OWNER));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    for (const report of reports) expect(report).not.toBe("");
    const json = JSON.parse(reports[1] ?? "") as JsonReport;
    // Schema problems are the every-response rule's own result; each list response keeps 50 plus a count.
    const schema = json.checks.find((check) => check.id === "response-schema");
    const listed = schema?.findings.filter((f) => f.operationId === "listUserOrganizations") ?? [];
    const counts = listed.filter((f) => f.actual === `${INVALID_ITEMS - 50} more problems (only the first 50 are listed)`);
    expect(counts.length).toBeGreaterThan(0);
    expect(listed).toHaveLength(51 * counts.length);
  });

  it("JSON nested 100,000 deep: a body-too-deep finding, exit 1, every report written", async () => {
    const { run, reports } = await runAgainst(answerDeeplyNestedJson);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("[body-too-deep]");
    for (const report of reports) expect(report).toContain("body-too-deep");
  });

  it("error codes of 450 KiB are cut before they reach the console and the reports (no 85 MB conformance.json)", async () => {
    const { run, reports } = await runAgainst(answerHugeErrorStrings(OWNER), { TENANT_API_FOREIGN_ORG_ID: "foreign-org" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    // Booleans and sizes only: a failing diff of these texts would itself be megabytes.
    // The huge code did reach findings (so the sizes below could fail), and the verdict is printed.
    expect(run.stdout.includes("[error-body-text]")).toBe(true);
    expect(/^Verdict: /m.test(run.stdout)).toBe(true);
    expect(run.stdout.length).toBeLessThan(HUGE_STRING_LENGTH / 2);
    for (const report of reports) {
      expect(report.includes("error-body-text")).toBe(true);
      expect(report.length).toBeLessThan(2 * HUGE_STRING_LENGTH);
    }
  });
});
