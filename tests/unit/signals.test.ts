/**
 * The launcher's signal handling (src/cli/signals.ts) in a real process: a command that watches
 * `io.stop` gets SIGINT, SIGTERM and SIGHUP as an abort and decides when to end; one that does not
 * watch it ends by the signal, as without a handler. (tests/conformance/signals.test.ts stops the gate.)
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A process that takes the signals like the launcher, says "ready", and, if `watch`, prints the abort reason. */
function child(watch: boolean) {
  const script = `
    import { ownSignals } from "./src/cli/signals.ts";
    const stop = ownSignals("test", (line) => console.error(line));
    if (${watch}) stop.addEventListener("abort", () => { console.log("stopped by " + stop.reason); setTimeout(() => process.exit(7), 1000); });
    setTimeout(() => {}, 60_000);
    console.log("ready");`;
  const process_ = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: process_.stdout }).on("line", (line) => {
      lines.push(line);
      if (line === "ready") resolve();
    });
  });
  let stderr = "";
  process_.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    process_.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { process: process_, lines, ready, ended, stderr: () => stderr };
}

describe("the launcher owns SIGINT, SIGTERM and SIGHUP", () => {
  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)(
    "%s aborts io.stop of a command that watches it, which then ends itself",
    async (signal) => {
      const run = child(true);
      await run.ready;
      run.process.kill(signal);
      expect(await run.ended).toEqual({ code: 7, signal: null });
      expect(run.lines).toContain(`stopped by ${signal}`);
    },
  );

  it("does not let a second signal cut short what the first one started", async () => {
    const run = child(true);
    await run.ready;
    run.process.kill("SIGINT");
    // Signals of one kind are not queued: the second is sent once the first has been taken.
    await expect.poll(() => run.lines, { timeout: 20_000 }).toContain("stopped by SIGINT");
    run.process.kill("SIGINT");
    expect(await run.ended).toEqual({ code: 7, signal: null });
    expect(run.stderr()).toContain("test: SIGINT again: still stopping after SIGINT");
  });

  it("ends a command that does not watch io.stop by the signal itself", async () => {
    const run = child(false);
    await run.ready;
    run.process.kill("SIGTERM");
    expect(await run.ended).toEqual({ code: null, signal: "SIGTERM" });
  });
});
