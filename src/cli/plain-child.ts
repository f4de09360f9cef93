/**
 * Runs the launcher again in a child process and passes on what it prints without ANSI escapes and
 * redacted: the only way to take the colour, and any secret, out of what pact's native verifier writes
 * to its own stdout (src/cli/colour.ts says why). The child's exit code is the parent's; a signal the
 * launcher takes (its `stop`) is passed on, so Ctrl-C, SIGHUP or CI's SIGTERM reach the command, which
 * settles as it would alone.
 */
import { spawn } from "node:child_process";
import { EXIT_TOOL_ERROR } from "../errors.js";
import { Redactor } from "../redaction.js";
import { envSecrets } from "./args.js";
import { AnsiStripper, PLAIN_CHILD_MARK } from "./colour.js";
import type { Writer } from "./io.js";
import { SafeLines } from "./safe-lines.js";

export function runPlainChild(
  script: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: { stdout: Writer; stderr: Writer; stop?: AbortSignal },
): Promise<number> {
  return new Promise((resolve) => {
    // process.execArgv keeps a loader such as tsx's, so the child runs the same sources as this process.
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      env: { ...env, [PLAIN_CHILD_MARK]: "1" },
      stdio: ["inherit", "pipe", "pipe"],
    });
    const streams = [
      [child.stdout, out.stdout],
      [child.stderr, out.stderr],
    ] as const;
    const redactor = new Redactor(envSecrets(env));
    for (const [from, to] of streams) {
      const stripper = new AnsiStripper();
      const lines = new SafeLines(to, redactor); // redacted and made inert line by line, as the broker CLI's output
      from.setEncoding("utf8");
      from.on("data", (chunk: string) => lines.write(stripper.push(chunk)));
      from.on("end", () => {
        lines.write(stripper.flush());
        lines.flush();
      });
    }
    // The launcher's own signal handling (src/cli/signals.ts) turns SIGINT, SIGTERM and SIGHUP into `stop`.
    const forward = () => child.kill(typeof out.stop?.reason === "string" ? (out.stop.reason as NodeJS.Signals) : "SIGTERM");
    out.stop?.addEventListener("abort", forward, { once: true });
    child.once("error", () => resolve(EXIT_TOOL_ERROR));
    child.once("close", (code) => {
      out.stop?.removeEventListener("abort", forward);
      resolve(code ?? EXIT_TOOL_ERROR);
    });
  });
}
