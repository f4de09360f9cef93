import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/settings.js";
import { APPENDED, caseChanged, lastCharacterChanged } from "../../src/conformance/checks/near-tokens.js";
import { CheckContext, type RunServices } from "../../src/conformance/context.js";
import { Coverage } from "../../src/conformance/coverage.js";
import type { CheckResult, RunResult } from "../../src/conformance/runner.js";
import { ToolError } from "../../src/errors.js";
import { type BaselineFinding, loadBaseline } from "../../src/findings/baseline.js";
import { type Finding, finding } from "../../src/findings/finding.js";
import { fingerprintOf, generalisePointer, groupFindings } from "../../src/findings/fingerprint.js";
import { appendHistory, historyEntry, readHistory } from "../../src/findings/history.js";
import { checkKnownIssues, loadKnownIssues } from "../../src/findings/known-issues.js";
import { LatencyLog, percentile } from "../../src/findings/latency.js";
import { curlCommand, EXCERPT_BYTES, reproduction } from "../../src/findings/reproduce.js";
import { describeComparison, triage } from "../../src/findings/triage.js";
import { describeVerdict } from "../../src/findings/verdict.js";
import type { Exchange, HttpRequest, HttpTransport } from "../../src/http/transport.js";
import { specValidators } from "../../src/validation/validators.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "findings-"));

function bad(fields: Partial<Finding> = {}): Finding {
  return finding({
    code: "response-schema",
    operationId: "listUserOrganizations",
    method: "GET",
    pathTemplate: "/api/v1/orgs",
    status: 200,
    pointer: "/data/3/status",
    expected: "one of active, inactive",
    actual: 'string "deleted"',
    ...fields,
  });
}

function check(id: string, outcome: CheckResult["outcome"], findings: Finding[] = []): CheckResult {
  return { id, title: id, operationId: "listUserOrganizations", phase: "read", outcome, findings, requests: 1, durationMs: 1 };
}

function run(checks: CheckResult[], embedded = false): RunResult {
  return {
    target: { baseUrl: "https://api.example.com/tenant", embedded, writes: true },
    startedAt: "2026-11-29T09:00:00.000Z",
    durationMs: 10,
    checks,
    coverage: [],
    latency: [{ operationId: "listUserOrganizations", requests: 3, p50Ms: 4, p95Ms: 8, maxMs: 8 }],
    generated: { seed: 1, runs: 10 },
  };
}

describe("fingerprints", () => {
  it("generalise array indexes in the pointer, and only those", () => {
    expect(generalisePointer("/data/3/status")).toBe("/data/*/status");
    expect(generalisePointer("/data/12/tags/0")).toBe("/data/*/tags/*");
    expect(generalisePointer("")).toBe("");
    expect(generalisePointer("/name")).toBe("/name");
  });

  it("are stable across items, actual values and checks, and change with operation, status, rule, pointer or expected", () => {
    const base = fingerprintOf(bad());
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf(bad({ pointer: "/data/7/status", actual: 'string "gone"', check: "other" }))).toBe(base);
    for (const change of [
      { operationId: "getOrganization" },
      { status: 500 },
      { code: "undocumented-status" },
      { pointer: "/data/3/name" },
      { expected: "a string" },
    ]) {
      expect(fingerprintOf(bad(change)), JSON.stringify(change)).not.toBe(base);
    }
  });

  // issue 26: a generated body's value was in `expected`, so each seed gave the same bug a new fingerprint.
  it("of findings from generated input name the check, rule, field and class of input, not the value, status or operation", () => {
    const generated = (fields: Partial<Finding>) =>
      bad({
        code: "patch-generated-bodies",
        check: "patch-generated-bodies",
        pointer: "/name",
        inputClass: "a body the rules accept, carrying the field: stored otherwise",
        ...fields,
      });
    const base = fingerprintOf(generated({ expected: 'in a following GET: string "é"', actual: 'string "é"' }));
    expect(fingerprintOf(generated({ expected: 'in a following GET: string "̀"', status: 201, operationId: "getOrganization" }))).toBe(base);
    for (const change of [
      { code: "rejected-patch-changed-org" },
      { pointer: "/description" },
      { inputClass: "a body the rules refuse (/name minLength), answered 200" },
      { check: "model-based-sequences" },
    ]) {
      expect(fingerprintOf(generated(change)), JSON.stringify(change)).not.toBe(base);
    }
    // Every other finding keeps the key it had, so known-issues.json entries for them still match.
    expect(fingerprintOf(bad())).toBe("ab7a2b7d45ddfc39"); // as computed before issue 26
  });

  it("generalise ids in the pointer as they do array indexes", () => {
    expect(generalisePointer("/data[id=0e537ec2-240d-4679-9814-20562b2bcf4b]/name")).toBe("/data/*/name");
    expect(generalisePointer("/data/0e537ec2-240d-4679-9814-20562b2bcf4b/name")).toBe("/data/*/name");
  });

  it("group one bad field seen 41 times by 31 checks into one finding with its occurrences and checks", () => {
    const raw = Array.from({ length: 41 }, (_, i) => ({ finding: bad({ pointer: `/data/${i % 3}/status` }), check: `check-${i % 31}` }));
    const grouped = groupFindings(raw);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ rule: "response-schema", pointer: "/data/*/status", occurrences: 41 });
    expect(grouped[0]?.checks).toHaveLength(31);
  });
});

describe("triage against a baseline and known issues", () => {
  const findings = ["/a", "/b", "/c"].map((pointer) => bad({ pointer }));
  const current = run([check("list", "fail", findings)]);
  const fp = (pointer: string) => fingerprintOf(bad({ pointer }));
  const baselineOf = (...pointers: string[]) => ({
    path: "prev.json",
    findings: pointers.map((pointer) => ({
      fingerprint: fp(pointer),
      rule: "response-schema",
      operationId: "x",
      pointer,
      expected: "e",
      checks: ["list"],
    })),
  });

  // issue 18: findings of checks that did not run were reported FIXED.
  it("fixes a baseline finding only when every check that showed it ran to the end; else it is not rechecked", () => {
    const gone = (pointer: string, checks: string[]): BaselineFinding => ({
      fingerprint: fp(pointer),
      rule: "response-schema",
      operationId: "x",
      pointer,
      expected: "e",
      checks,
    });
    const baseline = {
      path: "prev.json",
      findings: [
        gone("/passed", ["passing"]),
        gone("/failed-otherwise", ["list"]),
        gone("/skipped", ["skipped"]),
        gone("/crashed", ["crashed"]),
        gone("/interrupted", ["interrupted"]),
        gone("/not-selected", ["not-in-this-run"]),
        gone("/half", ["passing", "skipped"]),
      ],
    };
    const interrupted = {
      ...check("interrupted", "fail", [bad({ pointer: "/other" })]),
      reason: "the run was interrupted during this check",
    };
    const t = triage(
      run([check("list", "fail", findings), check("passing", "pass"), check("skipped", "skip"), check("crashed", "error"), interrupted]),
      {
        baseline,
      },
    );
    expect(t.fixed.map((f) => f.pointer)).toEqual(["/passed", "/failed-otherwise"]);
    expect(t.notRechecked.map((f) => f.pointer)).toEqual(["/skipped", "/crashed", "/interrupted", "/not-selected", "/half"]);
    expect(describeComparison(t)).toBe("4 new, 2 fixed, 0 unchanged, 5 not rechecked (their checks did not run)");
  });

  it("carries a baseline's not-rechecked findings into the next comparison, so a rolling baseline never forgets them", () => {
    const dir = tempDir();
    const path = join(dir, "conformance.json");
    const [kept, carried] = baselineOf("/b", "/c").findings;
    writeFileSync(path, JSON.stringify({ findings: [kept], notRechecked: [carried] }));
    const t = triage(current, { baseline: loadBaseline(path) });
    expect(t.findings.map((f) => f.state)).toEqual(["new", "unchanged", "unchanged"]);
  });

  it("keeps unchanged findings that --fail-on new lets through in the verdict's reasons", () => {
    const t = triage(current, { baseline: baselineOf("/a", "/b", "/c"), failOn: "new" });
    expect(t.verdict.outcome).toBe("PASS");
    expect(describeVerdict(t.verdict)).toBe("PASS (3 unchanged findings still present (not failing: --fail-on new))");
  });

  it("marks findings new or unchanged, lists the fixed ones, and says so in one line", () => {
    const t = triage(current, { baseline: baselineOf("/b", "/c", "/gone") });
    expect(t.findings.map((f) => [f.pointer, f.state])).toEqual([
      ["/a", "new"],
      ["/b", "unchanged"],
      ["/c", "unchanged"],
    ]);
    expect(t.fixed.map((f) => f.pointer)).toEqual(["/gone"]);
    expect(describeComparison(t)).toBe("1 new, 1 fixed, 2 unchanged");
    expect(t.verdict.outcome).toBe("FAIL");
  });

  it("with --fail-on new fails only on new findings", () => {
    expect(triage(current, { baseline: baselineOf("/a", "/b", "/c"), failOn: "new" }).verdict.outcome).toBe("PASS");
    expect(triage(current, { baseline: baselineOf("/a", "/b", "/c"), failOn: "any" }).verdict.outcome).toBe("FAIL");
    const oneNew = triage(current, { baseline: baselineOf("/a", "/b"), failOn: "new" });
    expect(oneNew.findings.filter((f) => f.failsGate).map((f) => f.pointer)).toEqual(["/c"]);
  });

  it("accepts known issues until their date, fails expired ones with their reason, and reports stale entries", () => {
    const knownIssues = [
      { fingerprint: fp("/a"), reason: "API-1 fix in review", until: "2026-11-29" },
      { fingerprint: fp("/b"), reason: "API-2 promised last week", until: "2026-11-28" },
      { fingerprint: fp("/c"), reason: "API-3", until: "2027-01-01" },
      { fingerprint: "0123456789abcdef", reason: "fixed long ago", until: "2027-01-01" },
    ];
    const t = triage(current, { knownIssues, today: "2026-11-29" });
    expect(t.findings.map((f) => [f.pointer, f.state, f.failsGate])).toEqual([
      ["/a", "known", false],
      ["/b", "new", true],
      ["/c", "known", false],
    ]);
    expect(t.findings[1]?.knownIssue).toMatchObject({ expired: true, reason: "API-2 promised last week" });
    expect(t.staleKnownIssues.map((i) => i.reason)).toEqual(["fixed long ago"]);
    expect(t.verdict.outcome).toBe("FAIL");
  });
});

describe("the verdict", () => {
  it("is PASS when every check ran and passed, INCOMPLETE with a skip, error or interruption, and FAIL with findings", () => {
    expect(triage(run([check("a", "pass")])).verdict.outcome).toBe("PASS");
    expect(triage(run([check("a", "pass"), check("b", "skip")])).verdict.outcome).toBe("INCOMPLETE");
    expect(triage(run([check("a", "pass"), check("b", "error")])).verdict.outcome).toBe("INCOMPLETE");
    expect(triage(run([check("a", "pass")]), { interrupted: true }).verdict.outcome).toBe("INCOMPLETE");
    expect(triage(run([check("a", "fail", [bad()]), check("b", "skip")])).verdict.outcome).toBe("FAIL");
  });

  it("fails the gate on a skip only with --fail-on-skip", () => {
    expect(triage(run([check("b", "skip")])).verdict.failsOnSkip).toBe(false);
    expect(triage(run([check("b", "skip")]), { failOnSkip: true }).verdict.failsOnSkip).toBe(true);
  });

  // issue 18: with --fail-on-skip in the nightly recipe, an accepted bug must not keep the job red through the checks it blinds.
  it("with --fail-on-skip, fails on a skip the settings cause or nothing explains, not on one a known finding explains", () => {
    const known = [{ fingerprint: fingerprintOf(bad()), reason: "API-77", until: "2999-12-31" }];
    const blinded = { ...check("b", "skip"), reason: "a response broke an every-response rule" };
    const persona = { ...check("c", "skip"), reason: "no member persona (set TENANT_API_MEMBER_TOKEN)", planned: true };
    const options = { failOnSkip: true, knownIssues: known, today: "2026-11-29" };
    expect(triage(run([check("a", "fail", [bad()]), blinded]), options).verdict).toMatchObject({
      outcome: "INCOMPLETE",
      failsOnSkip: false,
    });
    expect(triage(run([check("a", "fail", [bad()]), blinded, persona]), options).verdict.failsOnSkip).toBe(true);
    expect(triage(run([check("a", "pass"), blinded]), options).verdict.failsOnSkip).toBe(true);
  });

  it("says plainly when no deployed API was tested", () => {
    const verdict = triage(run([check("a", "pass")], true)).verdict;
    expect(describeVerdict(verdict)).toBe("PASS — embedded reference provider: no deployed API was tested");
  });
});

describe("known-issues and baseline files", () => {
  it("accept a file that matches schemas/known-issues.schema.json", () => {
    const path = join(tempDir(), "known.json");
    writeFileSync(path, JSON.stringify([{ fingerprint: "0123456789abcdef", reason: "API-9", until: "2026-12-31" }]));
    expect(loadKnownIssues(path)).toHaveLength(1);
  });

  it.each([
    ["not an array", { fingerprint: "0123456789abcdef" }],
    ["a missing reason", [{ fingerprint: "0123456789abcdef", until: "2026-12-31" }]],
    ["a date that is not ISO", [{ fingerprint: "0123456789abcdef", reason: "r", until: "31/12/2026" }]],
    ["a fingerprint of the wrong shape", [{ fingerprint: "abc", reason: "r", until: "2026-12-31" }]],
    ["an unknown property", [{ fingerprint: "0123456789abcdef", reason: "r", until: "2026-12-31", owner: "me" }]],
  ])("refuse %s with a tool error (exit 2)", (_name, data) => {
    expect(() => checkKnownIssues(data, "known.json")).toThrow(ToolError);
  });

  it("refuse a baseline without a findings array", () => {
    const path = join(tempDir(), "old.json");
    writeFileSync(path, JSON.stringify({ formatVersion: 1, checks: [] }));
    expect(() => loadBaseline(path)).toThrow(/no findings array/);
  });
});

describe("the history file", () => {
  it("appends one JSON line per run and reads them back", () => {
    const path = join(tempDir(), "history.jsonl");
    const result = run([check("a", "fail", [bad()]), check("b", "skip")]);
    const entry = historyEntry(result, triage(result), "abc123");
    appendHistory(path, entry);
    appendHistory(path, entry);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(2);
    const [first] = readHistory(path);
    expect(first).toMatchObject({
      time: "2026-11-29T09:00:00.000Z",
      commit: "abc123",
      verdict: "FAIL",
      counts: { pass: 0, fail: 1, skip: 1, error: 0, findings: 1, new: 1 },
      fingerprints: [fingerprintOf(bad())],
      latency: { listUserOrganizations: { p50Ms: 4, p95Ms: 8 } },
    });
  });

  it("is never appended through a symbolic link planted at its path (issue 18)", () => {
    const dir = tempDir();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "untouched\n");
    const path = join(dir, "history.jsonl");
    symlinkSync(victim, path);
    const entry = historyEntry(run([check("list", "pass")]), triage(run([check("list", "pass")])), "abc");
    expect(() => appendHistory(path, entry)).toThrow(/HISTORY_INVALID|ELOOP/);
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
  });

  it("names the line that is not a run record", () => {
    const path = join(tempDir(), "history.jsonl");
    const good = historyEntry(run([check("list", "pass")]), triage(run([check("list", "pass")])), "abc");
    writeFileSync(path, `${JSON.stringify(good)}\nnot json\n`);
    expect(() => readHistory(path)).toThrow(/line 2/);
    // issue 18: a record without counts crashed the trends after the run; it is named before the first request.
    writeFileSync(path, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, counts: undefined })}\n`);
    expect(() => readHistory(path)).toThrow(/line 2 is not a run record: \/ must have required property 'counts'/);
  });
});

describe("latency", () => {
  it("takes nearest-rank percentiles per operation", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    const log = new LatencyLog();
    for (const ms of [5, 1, 3]) log.record("getOrganization", ms);
    expect(log.summary()).toEqual([{ operationId: "getOrganization", requests: 3, p50Ms: 3, p95Ms: 5, maxMs: 5 }]);
  });
});

describe("a reproduction", () => {
  const token = "nc-at-0123456789abcdef0123456789abcdef-owner";
  const request: HttpRequest = {
    method: "PATCH",
    path: "/api/v1/orgs/o-1",
    authorization: `Bearer ${token}`,
    body: `{"name":"it's $HOME"}`,
  };
  const exchange = (bodyText: string): Exchange => ({
    method: "PATCH",
    url: "https://api.example.com/tenant/api/v1/orgs/o-1",
    status: 400,
    headers: { "content-type": "application/json" },
    bodyText,
    attempts: 1,
    durationMs: 2,
  });
  const secrets = [{ value: token, variable: "TENANT_API_TOKEN" }];

  it("carries the request with secrets as variables, the response, and a curl command that quotes everything else", () => {
    const r = reproduction(request, exchange('{"code":"bad"}'), secrets);
    expect(r.request.headers.authorization).toBe("Bearer $TENANT_API_TOKEN");
    expect(r.response).toMatchObject({ status: 400, contentType: "application/json", bodyExcerpt: '{"code":"bad"}' });
    expect(r.curl).toBe(
      `curl -sS -i -X PATCH 'https://api.example.com/tenant/api/v1/orgs/o-1' -H 'accept: application/json' ` +
        `-H 'authorization: Bearer '"$TENANT_API_TOKEN" -H 'content-type: application/json' --data-raw '{"name":"it'\\''s $HOME"}'`,
    );
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it("cuts the body at 2 KB after replacing the token, so no piece of it survives the cut", () => {
    const body = `${"x".repeat(EXCERPT_BYTES - 20)}${token}${"y".repeat(100)}`;
    const r = reproduction(request, exchange(body), secrets);
    expect(Buffer.byteLength(r.response?.bodyExcerpt ?? "")).toBeLessThanOrEqual(EXCERPT_BYTES);
    expect(r.response?.truncated).toBe(true);
    expect(r.response?.bodyExcerpt).not.toContain(token.slice(0, 12));
  });

  it.each([
    ["in swapped letter case", caseChanged(token) ?? ""],
    ["with its last character changed", lastCharacterChanged(token)],
    ["with characters appended", `${token}${APPENDED}`],
  ])("leaks no piece of a near-token (the token %s) in the request or the curl command", (_what, near) => {
    const r = reproduction({ ...request, authorization: `Bearer ${near}` }, exchange('{"code":"unauthorized"}'), secrets);
    const text = JSON.stringify(r).toLowerCase();
    const pieces = Array.from({ length: token.length - 11 }, (_, at) => token.slice(at, at + 12).toLowerCase());
    expect(pieces.filter((piece) => text.includes(piece))).toEqual([]);
    expect(r.request.headers.authorization).toMatch(/^Bearer (\$\{?TENANT_API_TOKEN|\[REDACTED\])/);
  });

  it("puts a token with characters appended as its variable in braces followed by them, so the shell fills in the right variable", () => {
    const r = reproduction({ ...request, authorization: `Bearer ${token}${APPENDED}` }, exchange("{}"), secrets);
    expect(r.request.headers.authorization).toBe(`Bearer \${TENANT_API_TOKEN}${APPENDED}`);
    expect(r.curl).toContain(`-H 'authorization: Bearer '"\${TENANT_API_TOKEN}"'${APPENDED}'`);
  });

  it("leaves a dollar sign that is not one of the run's variables literal", () => {
    expect(curlCommand("GET", "http://h/$PATH", {}, undefined, ["TENANT_API_TOKEN"])).toBe(`curl -sS -i -X GET 'http://h/$PATH'`);
  });
});

describe("a check fails only for its own rule", () => {
  const validators = specValidators();
  const services = (respond: (req: HttpRequest) => Exchange, maxResponseMs?: number): RunServices => ({
    target: {
      baseUrl: "http://127.0.0.1:1/tenant",
      embedded: false,
      tokens: { owner: "tok-owner-123", inferenceKey: "sk-nc-123456" },
      orgId: "o-1",
      invalidOrgId: "x",
    },
    transport: { send: async (req: HttpRequest) => respond(req) } as unknown as HttpTransport,
    validators,
    spec: validators.spec,
    coverage: new Coverage(validators.spec),
    generated: { seed: 1, runs: 0 },
    health: { consecutiveFailures: 0, patchesSent: 0 },
    everyResponse: [],
    latency: new LatencyLog(),
    maxResponseMs,
  });
  const answer = (status: number, body: unknown, durationMs = 1): Exchange => ({
    method: "GET",
    url: "http://127.0.0.1:1/tenant/api/v1/orgs/o-1",
    status,
    headers: { "content-type": "application/json" },
    bodyText: JSON.stringify(body),
    json: body,
    attempts: 1,
    durationMs,
  });

  it("a schema problem in a response goes to the response-schema rule, naming the check that sent the request", async () => {
    const run = services(() => answer(200, { id: "o-1", name: "Org", status: "deleted", referral_code: "R" }));
    const ctx = new CheckContext({ id: "auth-probe", operationId: "getOrganization" }, run);
    await ctx.get("o-1");
    expect(ctx.findings).toEqual([]);
    expect(run.everyResponse.map((f) => [f.code, f.check, f.pointer])).toContainEqual(["response-schema", "auth-probe", "/status"]);
    expect(run.everyResponse[0]?.reproduce?.request.headers.authorization).toBe("Bearer $TENANT_API_TOKEN");
  });

  it("a request with no response at all is the check's own finding: it could not assert anything", async () => {
    const run = services(() => ({ ...answer(200, {}), status: undefined, failure: { kind: "timeout", message: "no complete response" } }));
    const ctx = new CheckContext({ id: "read-check", operationId: "getOrganization" }, run);
    await ctx.get("o-1");
    expect(ctx.findings.map((f) => f.code)).toEqual(["timeout"]);
    expect(run.everyResponse).toEqual([]);
  });

  it("--max-response-ms makes a slower response a response-time finding, and every response's latency is recorded", async () => {
    const org = { id: "o-1", name: "Org", status: "active", referral_code: "R" };
    const run = services(() => answer(200, org, 250), 100);
    const ctx = new CheckContext({ id: "read-check", operationId: "getOrganization" }, run);
    await ctx.get("o-1");
    expect(run.everyResponse.map((f) => [f.code, f.expected, f.actual])).toEqual([["response-time", "a response within 100 ms", "250 ms"]]);
    expect(run.latency.summary()).toEqual([{ operationId: "getOrganization", requests: 1, p50Ms: 250, p95Ms: 250, maxMs: 250 }]);
  });
});

describe("the gate's flags", () => {
  it("are read with their defaults", () => {
    expect(parseSettings([], {})).toMatchObject({ failOn: "any", failOnSkip: false });
    const settings = parseSettings(
      [
        "--baseline",
        "b.json",
        "--fail-on",
        "new",
        "--known-issues",
        "k.json",
        "--fail-on-skip",
        "--history",
        "h.jsonl",
        "--max-response-ms",
        "800",
      ],
      {},
    );
    expect(settings).toMatchObject({
      baselinePath: "b.json",
      failOn: "new",
      knownIssuesPath: "k.json",
      failOnSkip: true,
      historyPath: "h.jsonl",
      maxResponseMs: 800,
    });
  });

  it.each([
    [["--fail-on", "some"], /--fail-on must be new or any/],
    [["--max-response-ms", "0"], /--max-response-ms must be a positive integer/],
    [["--max-response-ms", "fast"], /--max-response-ms must be a positive integer/],
  ])("refuse %j", (argv, message) => {
    expect(() => parseSettings(argv, {})).toThrow(message);
  });
});
