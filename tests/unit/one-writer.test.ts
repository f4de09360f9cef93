/**
 * Issue 25, in process: one org, one writer, whatever the URL's spelling; `--journal` never replaces a
 * file of the user's; unusable state paths fail in bounded time. And issue 24's "`--restore` right after
 * a kill finds the killed run's lock still held": a zombie holder is a gone holder.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeDirs } from "../../src/config/make-dirs.js";
import { parseSettings } from "../../src/config/settings.js";
import { ensureStateDir } from "../../src/config/state-dir.js";
import { checkBeforeReading, guardTarget } from "../../src/conformance/safety/guard.js";
import { checkJournalCopy, journalEntry, writeJournal } from "../../src/conformance/safety/journal.js";
import { acquireLock, type LockRequest } from "../../src/conformance/safety/lock.js";
import { targetFiles } from "../../src/conformance/safety/target-files.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "one-writer-"));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const AT_IP = "http://127.0.0.1:8080/tenant";
const AT_NAME = "http://localhost:8080/tenant";
const request = (baseUrl: string, more: Partial<LockRequest> = {}): LockRequest => ({ orgId: "org-1", baseUrl, waitMs: 0, ...more });

describe("issue 25: the lock is the org's, whatever the URL's spelling", () => {
  it("stops a second writer under another URL at once, naming both URLs", async () => {
    const dir = tempDir();
    const lock = targetFiles(dir, AT_IP, "org-1").lock;
    expect(targetFiles(dir, AT_NAME, "org-1").lock).toBe(lock);
    const held = await acquireLock(lock, request(AT_IP));
    cleanups.push(() => held.release());
    // Even with a long wait: only the user knows whether the two URLs are one API.
    const second = acquireLock(lock, request(AT_NAME, { waitMs: 60_000 }));
    await expect(second).rejects.toThrow(`org-1 is being written at ${AT_IP}`);
    await expect(second).rejects.toThrow(`this run targets ${AT_NAME}`);
  });

  it("a wait for a live holder ends as soon as the run is stopped (SIGTERM while waiting)", async () => {
    const lock = join(tempDir(), "org.lock");
    const held = await acquireLock(lock, request(AT_IP));
    cleanups.push(() => held.release());
    const stop = new AbortController();
    const waiting = acquireLock(lock, request(AT_IP, { waitMs: 3_600_000, signal: stop.signal }));
    setTimeout(() => stop.abort("SIGTERM"), 50);
    await expect(waiting).rejects.toThrow(`interrupted while waiting for the lock ${lock}`);
  });

  it("with --same-api waits for that run like any other", async () => {
    const lock = join(tempDir(), "org.lock");
    const held = await acquireLock(lock, request(AT_IP));
    setTimeout(() => held.release(), 150);
    const next = await acquireLock(lock, request(AT_NAME, { waitMs: 60_000, sameApi: true }));
    next.release();
  });

  it("refuses a journal pending under another URL, naming both and the command for each case", async () => {
    const dir = tempDir();
    writeJournal(targetFiles(dir, AT_IP, "org-1").journal, journalEntry(AT_IP, "org-1", { id: "org-1", name: "Acme" }));
    const options = { stateDir: dir, baseUrl: AT_NAME, orgId: "org-1", orgIdConfigured: true, lockWaitMs: 0, writes: true };
    const refused = guardTarget(options);
    await expect(refused).rejects.toThrow(
      `holds the snapshot of org-1 at ${AT_IP} from an interrupted run, and this run targets ${AT_NAME}`,
    );
    await expect(refused).rejects.toThrow(`TENANT_API_BASE_URL=${AT_IP} npm run conformance -- --restore`);
    await expect(refused).rejects.toThrow("npm run conformance -- --restore --same-api");
    // A run that writes nothing refuses it too, reading only.
    await expect(checkBeforeReading({ ...options, writes: false })).rejects.toThrow(
      `at ${AT_IP} from an interrupted run, and this run targets ${AT_NAME}`,
    );
  });
});

describe("issue 24: --restore right after a kill", () => {
  it("takes over the lock of a killed run its parent has not reaped yet (a zombie)", async () => {
    // sh starts a sleeper in the background, prints its pid, then becomes a sleep that never reaps it.
    const parent = spawn("sh", ["-c", "sleep 30 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    cleanups.push(() => parent.kill("SIGKILL"));
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()))));
    process.kill(pid, "SIGKILL");
    await vi.waitFor(() => expect(readFileSync(`/proc/${pid}/stat`, "utf8")).toMatch(/\) Z /), { timeout: 5_000, interval: 20 });
    const path = join(tempDir(), "org.lock");
    const killed = { pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z", baseUrl: AT_IP };
    writeFileSync(path, JSON.stringify(killed), { mode: 0o600 });
    const lock = await acquireLock(path, request(AT_IP));
    expect(lock.tookOverFrom).toEqual(killed);
    lock.release();
  });
});

describe("issue 25: --journal never replaces a file it did not write", () => {
  it("refuses notes, a file of another mode and another org's journal, leaving each as it was", () => {
    const dir = tempDir();
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "my notes\n", { mode: 0o600 });
    expect(() => checkJournalCopy(notes, "org-1")).toThrow(`--journal ${notes}: a file is already there that this suite did not write`);
    const env = join(dir, ".env");
    writeFileSync(env, "TOKEN=x\n", { mode: 0o644 });
    expect(() => checkJournalCopy(env, "org-1")).toThrow("did not write");
    const other = join(dir, "other.json");
    writeJournal(other, journalEntry(AT_IP, "org-2", { id: "org-2", name: "Other" }));
    expect(() => checkJournalCopy(other, "org-1")).toThrow("holds the journal of another organization (org-2)");
    expect(readFileSync(notes, "utf8")).toBe("my notes\n");
    expect(readFileSync(env, "utf8")).toBe("TOKEN=x\n");
  });

  it("accepts no file, or a copy of its own for the same org (a killed run's)", () => {
    const dir = tempDir();
    const copy = join(dir, "copy.json");
    expect(() => checkJournalCopy(copy, "org-1")).not.toThrow();
    writeJournal(copy, journalEntry(AT_IP, "org-1", { id: "org-1", name: "Acme" }));
    expect(() => checkJournalCopy(copy, "org-1")).not.toThrow();
    expect(JSON.parse(readFileSync(copy, "utf8"))).toMatchObject({ journal: "tenant-api-conformance", orgId: "org-1" });
  });
});

describe("issue 25: a state path that cannot be made fails at once", () => {
  it("under /proc (where Node's recursive mkdir loops forever) and under a file", () => {
    expect(makeDirs("/proc/no-such/state", 0o700)).toMatch(/^\/proc\/no-such cannot be created/);
    expect(() => ensureStateDir("/proc/no-such/state")).toThrow("cannot be used: /proc/no-such cannot be created (ENOENT)");
    const file = join(tempDir(), "file");
    writeFileSync(file, "");
    expect(makeDirs(join(file, "state"), 0o700)).toBe(`${file} is not a directory`);
  });

  it("a run that writes nothing needs no state directory: none is made, nothing is refused", async () => {
    const missing = join(tempDir(), "never-made");
    const options = { stateDir: missing, baseUrl: AT_IP, orgId: "org-1", orgIdConfigured: true, lockWaitMs: 0, writes: false };
    await checkBeforeReading(options);
    await checkBeforeReading({ ...options, stateDir: "/proc/no-such/state" });
    expect(existsSync(missing)).toBe(false);
  });
});

describe("issue 25: spellings of one URL that need no DNS are one URL", () => {
  it("the host's case, a default port and a trailing slash are normalised before anything is keyed or compared", () => {
    const settings = (url: string) => parseSettings([], { TENANT_API_BASE_URL: url, TENANT_API_TOKEN: "t" }).baseUrl;
    expect(settings("HTTP://LocalHost:80/tenant/")).toBe("http://localhost/tenant");
    expect(settings("https://API.example.com:443/tenant//")).toBe("https://api.example.com/tenant");
    expect(settings("http://localhost:8080/tenant")).not.toBe(settings("http://127.0.0.1:8080/tenant")); // that one takes the user's word
  });
});
