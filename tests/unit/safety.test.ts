import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { defaultStateDir, ensureStateDir } from "../../src/config/state-dir.js";
import { catalog } from "../../src/conformance/catalog.js";
import type { Check } from "../../src/conformance/check.js";
import { generatedBodiesCheck } from "../../src/conformance/generated/check.js";
import { targetFromProvider } from "../../src/conformance/prepare.js";
import { type RunOptions, runChecks } from "../../src/conformance/runner.js";
import { journalEntry, readJournal, writeJournal } from "../../src/conformance/safety/journal.js";
import { acquireLock, type LockRequest } from "../../src/conformance/safety/lock.js";
import { differences, writableBody } from "../../src/conformance/safety/snapshot.js";
import { targetFiles } from "../../src/conformance/safety/target-files.js";
import { ToolError } from "../../src/errors.js";
import { HttpTransport } from "../../src/http/transport.js";
import { type ProviderHandle, type ProviderOptions, startProvider } from "../../src/provider/server.js";
import { requestFields, responseFields } from "../../src/validation/object-fields.js";
import { specValidators } from "../../src/validation/validators.js";
import { faults } from "../support/fault-gallery.js";
import { findingCodes, GALLERY_SEED } from "../support/run-against.js";
import { archiveIsForever, readOnlyFieldsApplied } from "../support/unsafe-servers.js";

const providers: ProviderHandle[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

async function start(options: ProviderOptions = {}): Promise<ProviderHandle> {
  const provider = await startProvider(options);
  providers.push(provider);
  return provider;
}

const writeChecks = catalog.filter((check) => check.phase === "write");

async function runOn(
  provider: ProviderHandle,
  checks: readonly Check[],
  options: Partial<RunOptions> = {},
  onSend?: (method: string) => void,
) {
  const transport = new HttpTransport({ baseUrl: provider.baseUrl, timeoutMs: 5_000 });
  if (onSend) {
    const send = transport.send.bind(transport);
    transport.send = (request) => {
      onSend(request.method);
      return send(request);
    };
  }
  try {
    const validators = specValidators();
    return await runChecks({
      target: targetFromProvider(provider),
      transport,
      validators,
      spec: validators.spec,
      checks,
      generated: { seed: GALLERY_SEED, runs: 10 },
      ...options,
    });
  } finally {
    await transport.close();
  }
}

const editable = (provider: ProviderHandle) => structuredClone(provider.state.organizations.get(provider.orgs.editable));
const tempDir = () => mkdtempSync(join(tmpdir(), "conformance-safety-"));

/** Logs every request's method, and whether the run's signal was already aborted when it arrived. */
function logging(
  signal?: AbortSignal,
  then?: (method: string) => void,
): { log: { method: string; late: boolean }[]; options: ProviderOptions } {
  const log: { method: string; late: boolean }[] = [];
  return {
    log,
    options: {
      intercept: (request) => {
        log.push({ method: request.method ?? "", late: signal?.aborted === true });
        then?.(request.method ?? "");
        return false;
      },
    },
  };
}

describe("the restore puts back every field the run could change, and proves it", () => {
  it("restores status, referral_code and id that a faulty server applied, even when the id moved the org", async () => {
    const server = readOnlyFieldsApplied();
    const provider = await start(server.options);
    server.bind(provider);
    const before = editable(provider);
    const result = await runOn(provider, writeChecks);
    expect([...findingCodes(result)]).toContain("patch-read-only-fields-ignored");
    expect(result.restore?.verified, result.restore?.message).toBe(true);
    expect(result.restore?.message).toMatch(/status.*referral_code|referral_code.*status/);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
    expect(provider.state.organizations.size).toBe(3);
  });

  it("says NOT restored, naming the field, when the server cannot undo what it wrongly applied", async () => {
    const provider = await start(archiveIsForever);
    const result = await runOn(provider, writeChecks);
    expect(result.restore?.verified).toBe(false);
    expect(result.restore?.message).toContain('/status is "archived" (was "active")');
    expect(result.restore?.snapshot).toMatchObject({ name: "Acme Research", status: "active" });
    const restoreCheck = result.checks.find((c) => c.id === "restore-organization");
    expect(restoreCheck?.outcome).toBe("fail");
    expect(restoreCheck?.findings[0]?.expected).toContain('"status":"active"');
  });

  it("compares every field, extra ones included; a description cleared to an empty string equals an absent one", () => {
    const was = { name: "A", description: undefined, status: "active", plan: { tier: "pro" } };
    expect(differences(was, { name: "A", description: "", status: "active", plan: { tier: "pro" } })).toEqual([]);
    expect(differences(was, { name: "A", status: "active", plan: { tier: "free" }, colour: "blue" }).map((d) => d.field)).toEqual([
      "plan",
      "colour",
    ]);
  });

  it.each([
    "read-only fields in the body are applied",
    "a rejected PATCH is partly applied",
    "names are stored trimmed",
    "descriptions are stored HTML-escaped",
  ])("reports the restore verified exactly when the org reads back as before, against a provider where %s", async (name) => {
    const fault = faults.find((f) => f.name === name);
    if (!fault) throw new Error(`gallery fault missing: ${name}`);
    const provider = await start(fault.options);
    const before = editable(provider);
    const result = await runOn(provider, writeChecks);
    const after = provider.state.organizations.get(provider.orgs.editable);
    expect(result.restore?.verified, result.restore?.message).toBe(isDeepStrictEqual(after, before));
    expect(result.restore?.verified).toBe(true);
  });
});

describe("no write starts that could not be undone", () => {
  it("skips every write check, sending no PATCH, when the org's name is not a valid update body", async () => {
    const { log, options } = logging();
    const provider = await start(options);
    const org = provider.state.organizations.get(provider.orgs.editable);
    if (!org) throw new Error("seed org missing");
    org.name = "n".repeat(141); // a legacy name, longer than an update may set
    const journalPath = join(tempDir(), "journal.json");
    const result = await runOn(provider, writeChecks, { journalPath });
    expect(log.filter((r) => r.method === "PATCH")).toEqual([]);
    const writes = result.checks.filter((c) => c.phase === "write");
    expect(writes.length).toBe(writeChecks.length);
    for (const check of writes) {
      expect(check.outcome).toBe("skip");
      expect(check.reason).toContain("not a valid update body");
    }
    expect(result.restore).toBeUndefined();
    expect(readJournal(journalPath)).toBeUndefined();
  });
});

describe("interruption is prompt", () => {
  // With the request plan (the default concurrency) the rejected bodies go out several at a time: the ones
  // already in flight when the signal comes still arrive, but no request starts after it but the restore's.
  it.each([
    ["one request at a time", 1],
    ["the request plan", undefined],
  ])("sends nothing but the restore once interrupted during the generated bodies (%s)", async (_plan, concurrency) => {
    const interrupt = new AbortController();
    let patches = 0;
    const { log, options } = logging(interrupt.signal, (method) => {
      if (method === "PATCH" && ++patches === 8) interrupt.abort("SIGINT");
    });
    const provider = await start(options);
    const before = editable(provider);
    const startedLate: string[] = [];
    const result = await runOn(
      provider,
      [generatedBodiesCheck],
      { signal: interrupt.signal, generated: { seed: GALLERY_SEED, runs: 1000 }, concurrency },
      (method) => {
        if (interrupt.signal.aborted) startedLate.push(method);
      },
    );
    // The restore: its read, its PATCH (none when the org already reads as the snapshot and this run's last
    // applied write agrees: the request plan may have put it back already), its read back.
    expect([
      ["GET", "PATCH", "GET"],
      ["GET", "GET"],
    ]).toContainEqual(startedLate);
    const arrivedLate = log.filter((r) => r.late).map((r) => r.method);
    expect(arrivedLate.slice(-startedLate.length)).toEqual(startedLate);
    if (concurrency === 1) expect(arrivedLate).toEqual(["GET", "PATCH", "GET"]);
    expect(result.interrupted).toBe("SIGINT");
    expect(result.checks[0]).toMatchObject({
      id: generatedBodiesCheck.id,
      outcome: "skip",
      reason: expect.stringContaining("interrupted"),
    });
    expect(result.restore?.verified).toBe(true);
    expect(provider.state.organizations.get(provider.orgs.editable)).toEqual(before);
  });

  it("does not shrink a failure once interrupted", async () => {
    const fault = faults.find((f) => f.name === "a control character in the name crashes the server (500)");
    if (!fault) throw new Error("gallery fault missing");
    const interrupt = new AbortController();
    const { log, options } = logging(interrupt.signal);
    const provider = await start({
      ...fault.options,
      intercept: (request, response) => {
        options.intercept?.(request, response);
        response.on("finish", () => {
          if (response.statusCode === 500) interrupt.abort("SIGTERM"); // the first failure: shrinking would start now
        });
        return false;
      },
    });
    const result = await runOn(provider, [generatedBodiesCheck], {
      signal: interrupt.signal,
      generated: { seed: GALLERY_SEED, runs: 1000 },
    });
    expect(interrupt.signal.aborted).toBe(true);
    expect(log.filter((r) => r.late).map((r) => r.method)).toEqual(["GET", "PATCH", "GET"]);
    expect(result.checks[0]?.outcome).toBe("fail"); // the failure found before the signal is still reported
    expect(result.restore?.verified).toBe(true);
  });
});

/** What a run asks of the lock: org-1 at http://api.test/tenant, waiting `waitMs`. */
const lockRequest = (waitMs: number, more: Partial<LockRequest> = {}): LockRequest => ({
  orgId: "org-1",
  baseUrl: "http://api.test/tenant",
  waitMs,
  ...more,
});

describe("the lock: one writer per org", () => {
  const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

  it("refuses a second writer, naming the live run's pid, host and start time", async () => {
    const path = join(tempDir(), "org.lock");
    const held = await acquireLock(path, lockRequest(0));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const owner = JSON.parse(readFileSync(path, "utf8")) as { startedAt: string };
    const second = acquireLock(path, lockRequest(0));
    await expect(second).rejects.toThrow(ToolError);
    await expect(second).rejects.toThrow(`pid ${process.pid} on ${hostname()}, started ${owner.startedAt}`);
    held.release();
  });

  it("waits for a live run up to --lock-wait-ms, then takes the lock", async () => {
    const path = join(tempDir(), "org.lock");
    const held = await acquireLock(path, lockRequest(0));
    setTimeout(() => held.release(), 150);
    const next = await acquireLock(path, lockRequest(60_000));
    expect(next.tookOverFrom).toBeUndefined();
    next.release();
  });

  it("takes over the lock of a run whose process is gone, and says whose it was", async () => {
    const path = join(tempDir(), "org.lock");
    const stale = { pid: deadPid(), host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    writeFileSync(path, JSON.stringify(stale), { mode: 0o600 });
    const lock = await acquireLock(path, lockRequest(0));
    expect(lock.tookOverFrom).toEqual(stale);
    lock.release();
  });

  it("never judges another host's lock stale", async () => {
    const path = join(tempDir(), "org.lock");
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, startedAt: "2026-01-01T00:00:00.000Z" }), {
      mode: 0o600,
    });
    await expect(acquireLock(path, lockRequest(0))).rejects.toThrow(`on not-${hostname()}`);
  });

  it("does not follow a symbolic link planted at the lock's path", async () => {
    const dir = tempDir();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "keep me");
    symlinkSync(victim, join(dir, "org.lock"));
    await expect(acquireLock(join(dir, "org.lock"), lockRequest(0))).rejects.toThrow(/being written/);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
  });
});

describe("the journal", () => {
  const entry = journalEntry("http://api.test/tenant", "org-1", { id: "org-1", name: "Acme", status: "active" });

  it("is private (0600), per target, and round-trips the whole snapshot", () => {
    const dir = tempDir();
    const path = join(dir, "nested", "journal.json");
    writeJournal(path, entry);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readJournal(path)).toEqual(entry);
    const files = targetFiles(dir, "http://api.test/tenant", "org-1");
    // Issue 25: keyed by the org, so every spelling of the URL meets the same files (the URL is inside).
    expect(targetFiles(dir, "http://other.test/tenant", "org-1").journal).toBe(files.journal);
    expect(targetFiles(dir, "http://api.test/tenant", "org-2").lock).not.toBe(files.lock);
  });

  it("replaces a symbolic link at its path instead of writing through it, and refuses to read one", () => {
    const dir = tempDir();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "keep me");
    const path = join(dir, "journal.json");
    symlinkSync(victim, path);
    expect(() => readJournal(path)).toThrow(/JOURNAL_INVALID|cannot read journal/);
    writeJournal(path, entry);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(readJournal(path)).toEqual(entry);
  });
});

describe("issue 17: a journal --restore did not write is refused", () => {
  const entry = journalEntry("http://api.test/tenant", "org-1", { id: "org-1", name: "Acme", status: "active" });

  it("refuses a journal another process could have written: mode other than 0600, or not a regular file", () => {
    const dir = tempDir();
    const loose = join(dir, "loose.json");
    writeFileSync(loose, JSON.stringify(entry), { mode: 0o644 });
    expect(() => readJournal(loose)).toThrow("was not written by this suite (its mode is 0644, not 0600)");
    const shared = join(dir, "shared.json");
    writeFileSync(shared, JSON.stringify(entry), { mode: 0o600 });
    chmodSync(shared, 0o660);
    expect(() => readJournal(shared)).toThrow("its mode is 0660, not 0600");
    const fifo = join(dir, "fifo.json");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(() => readJournal(fifo)).toThrow("it is not a regular file"); // and the open does not block
    const own = join(dir, "own.json");
    writeJournal(own, entry);
    expect(readJournal(own)).toEqual(entry);
  });

  it("refuses a journal of another user", () => {
    // A file of another uid cannot be made without root: this process is made to see itself as another
    // user instead, and the check compares the uid the opened descriptor reports with it.
    const path = join(tempDir(), "journal.json");
    writeJournal(path, entry);
    const real = process.getuid;
    const me = real?.call(process);
    process.getuid = () => (me ?? 0) + 1;
    try {
      expect(() => readJournal(path)).toThrow(`it belongs to uid ${me}, not to this user (uid ${(me ?? 0) + 1})`);
    } finally {
      process.getuid = real;
    }
  });
});

describe("issue 17: the state directory holds every target's lock and journal", () => {
  it("is $XDG_STATE_HOME/tenant-api-conformance, else ~/.local/state/tenant-api-conformance", () => {
    expect(defaultStateDir({ XDG_STATE_HOME: "/var/xdg" })).toBe("/var/xdg/tenant-api-conformance");
    const home = join(homedir(), ".local", "state", "tenant-api-conformance");
    expect(defaultStateDir({})).toBe(home);
    expect(defaultStateDir({ XDG_STATE_HOME: "relative/dir" })).toBe(home); // the basedir spec: ignore a relative one
  });

  it("is created 0700 and refused when others could write to it or it is a link", () => {
    const base = tempDir();
    const dir = ensureStateDir(join(base, "a", "state"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o770);
    expect(() => ensureStateDir(dir)).toThrow("is writable by others (mode 770); chmod 700 it");
    const link = join(base, "link");
    symlinkSync(tempDir(), link);
    expect(() => ensureStateDir(link)).toThrow("is not a directory");
  });

  it("keys the files by target only, inside the state directory (the working directory plays no part)", () => {
    const dir = tempDir();
    const here = targetFiles(dir, "http://api.test/tenant", "org-1");
    expect(dirname(here.journal)).toBe(dir);
    expect(dirname(here.lock)).toBe(dir);
    expect(targetFiles(dir, "http://api.test/tenant", "org-1")).toEqual(here);
  });
});

describe("issue 17: --restore sends only the fields the API documents as writable", () => {
  it("takes them from the spec's update request schema", () => {
    const spec = specValidators().spec;
    expect(requestFields(spec, "updateOrganization")).toEqual(["name", "description"]);
    expect(responseFields(spec, "getOrganization", 200)).toEqual(["id", "name", "description", "referral_code", "status"]);
  });

  it("builds the body of those fields alone, clearing a description the org did not have", () => {
    const snapshot = { id: "org-1", name: "Acme", status: "archived", referral_code: "X", owner_id: "u-9" };
    const fields = { documented: ["id", "name", "description", "referral_code", "status"], writable: ["name", "description"] };
    expect(writableBody(snapshot, fields)).toEqual({ name: "Acme", description: "" });
    expect(writableBody({ ...snapshot, description: "Old" }, fields)).toEqual({ name: "Acme", description: "Old" });
  });
});
