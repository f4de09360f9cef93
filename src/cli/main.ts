#!/usr/bin/env node
/**
 * The one launcher: `tsx src/cli/main.ts <command> [args]` (every npm script of the suite calls it), and
 * the installed package's bin (`npx tenant-api-conformance <command>`, dist/cli/main.js).
 * It owns the process wiring, so the commands stay functions that tests call in process:
 * - the exit code is 2 until the command settles: a run whose promise never settles cannot exit 0
 *   when the event loop empties, and says so on stderr;
 * - the command's own code is the process's exit code, at once (a keep-alive socket or a verifier's
 *   thread must not hold a finished run open);
 * - an error that escapes a command is one line, redacted and made inert (src/cli/launch.ts);
 * - with colour off, a command whose output partly comes from pact's native core runs in a child
 *   whose output is stripped of ANSI escapes (src/cli/colour.ts).
 */
import { fileURLToPath } from "node:url";
import { EXIT_TOOL_ERROR } from "../errors.js";
import { terminalLine } from "../report/terminal-text.js";
import { needsPlainChild, takeNoColorFlag } from "./colour.js";
import { processIo } from "./io.js";
import { launch } from "./launch.js";
import { runPlainChild } from "./plain-child.js";

const argv = process.argv.slice(2);
process.exitCode = EXIT_TOOL_ERROR;
let settled = false;
process.on("exit", () => {
  if (!settled) process.stderr.write(`${terminalLine(`${argv[0] ?? "launcher"}: the run ended without a verdict`)}\n`);
});
const io = processIo();
const plain = takeNoColorFlag(argv, process.env);
const running = needsPlainChild(plain.argv[0], plain.env, io.isTTY)
  ? runPlainChild(fileURLToPath(import.meta.url), argv, plain.env, io)
  : launch(argv, process.env, io);
running.then((code) => {
  settled = true;
  process.exit(code);
});
