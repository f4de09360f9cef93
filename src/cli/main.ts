#!/usr/bin/env node
/**
 * The one launcher: `node --import tsx src/cli/main.ts <command> [args]` (every npm script of the
 * suite calls it), and the installed package's bin (`npx tenant-api-conformance <command>`,
 * dist/cli/main.js). tsx is a loader in this very process, not the `tsx` CLI: that one relays a signal
 * to a child node and kills it about 30 ms later, before the gate has restored the org.
 * It owns the process wiring, so the commands stay functions that tests call in process:
 * - SIGINT, SIGTERM and SIGHUP abort the command's `io.stop` (src/cli/signals.ts), so a run stopped by
 *   any of them restores what it changed and then exits with its own code;
 * - the exit code is 2 until the command settles: a run whose promise never settles cannot exit 0
 *   when the event loop empties, and says so on stderr;
 * - the command's own code is the process's exit code, at once (a keep-alive socket or a verifier's
 *   thread must not hold a finished run open);
 * - an error that escapes a command is one line, redacted and made inert (src/cli/launch.ts);
 * - a closed stdout or stderr (`| head -1`) drops what is written to it instead of ending the run
 *   mid-write, and before exiting, what a slow reader has not taken yet is drained (src/cli/io.ts).
 * - with colour off, a command whose output partly comes from pact's native core runs in a child
 *   whose output is stripped of ANSI escapes (src/cli/colour.ts).
 */
import { fileURLToPath } from "node:url";
import { EXIT_TOOL_ERROR } from "../errors.js";
import { terminalLine } from "../report/terminal-text.js";
import { needsPlainChild, takeNoColorFlag } from "./colour.js";
import { flushed, processIo } from "./io.js";
import { launch } from "./launch.js";
import { runPlainChild } from "./plain-child.js";
import { ownSignals } from "./signals.js";

const argv = process.argv.slice(2);
process.exitCode = EXIT_TOOL_ERROR;
let settled = false;
process.on("exit", () => {
  if (!settled) process.stderr.write(`${terminalLine(`${argv[0] ?? "launcher"}: the run ended without a verdict`)}\n`);
});
const stop = ownSignals(argv[0] ?? "launcher", (line) => process.stderr.write(`${terminalLine(line)}\n`));
const io = { ...processIo(), stop };
const plain = takeNoColorFlag(argv, process.env);
const running = needsPlainChild(plain.argv[0], plain.env, io.isTTY)
  ? runPlainChild(fileURLToPath(import.meta.url), argv, plain.env, io)
  : launch(argv, process.env, io);
running.then(async (code) => {
  settled = true;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
