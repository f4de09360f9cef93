/**
 * Issue 18 and issue 17: console output is never cut and a closed stdout never ends a run mid-write.
 * The launcher's process io and drain (src/cli/io.ts) run in a child whose stdout is a real pipe.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const WRITER = fileURLToPath(new URL("../support/pipe-writer.ts", import.meta.url));

interface PipeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the writer; `reader` decides what the reading side of its stdout does. */
function runWriter(bytes: number, reader: "slow" | "closes"): Promise<PipeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER], { env: { ...process.env, BYTES: String(bytes) } });
    const run = { stdout: "", stderr: "" };
    child.stderr.on("data", (chunk: Buffer) => {
      run.stderr += chunk.toString();
    });
    if (reader === "slow") {
      // `| (sleep 2; cat)`: nothing is read until the writer has long finished writing.
      child.stdout.pause();
      setTimeout(() => {
        child.stdout.on("data", (chunk: Buffer) => {
          run.stdout += chunk.toString();
        });
        child.stdout.resume();
      }, 2_000);
    } else {
      // `| head -c 1024`: the reader takes one chunk and goes away.
      child.stdout.once("data", (chunk: Buffer) => {
        run.stdout += chunk.toString();
        child.stdout.destroy();
      });
    }
    child.on("close", (code) => resolve({ code, ...run }));
  });
}

describe("the launcher's stdout", () => {
  it("a slow reader still gets every byte and the last (Verdict) line: output is drained before exit", async () => {
    const bytes = 4 * 1024 * 1024; // far more than a pipe holds
    const run = await runWriter(bytes, "slow");
    expect(run.code).toBe(7);
    expect(run.stdout.length).toBe(bytes + "Verdict: done\n".length);
    expect(run.stdout.endsWith("Verdict: done\n")).toBe(true);
  }, 60_000);

  it("a reader that goes away (EPIPE) does not end the process: writes are dropped and the exit code is its own", async () => {
    const run = await runWriter(4 * 1024 * 1024, "closes");
    expect(run.stderr).toBe("finished writing\n");
    expect(run.code).toBe(7);
  }, 60_000);
});
