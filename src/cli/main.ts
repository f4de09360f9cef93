/**
 * The one launcher: `tsx src/cli/main.ts <command> [args]` (every npm script of the suite calls it).
 * It owns the process wiring, so the commands stay functions that tests call in process:
 * - the exit code is 2 until the command settles: a promise that never settles cannot exit 0;
 * - an error that escapes a command is one line, redacted and made inert, never a stack trace;
 * - the command's own code is the process's exit code.
 */
import { EXIT_OK, EXIT_TOOL_ERROR } from "../errors.js";
import { errorLine } from "./args.js";
import { COMMANDS, LAUNCHER_USAGE } from "./commands.js";
import { type CliIo, processIo } from "./io.js";

/** Runs `argv` = [command, ...args]; resolves to the exit code. */
export async function launch(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [name = "", ...args] = argv;
  if (name === "--help" || name === "-h") {
    io.stdout.write(`${LAUNCHER_USAGE}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    errorLine(io, env, `unknown command ${JSON.stringify(name)}: one of ${Object.keys(COMMANDS).join(", ")} (see --help)`);
    return EXIT_TOOL_ERROR;
  }
  try {
    return await command.run(args, env, io);
  } catch (error) {
    errorLine(io, env, `${name}: internal error: ${oneLine(error)}`);
    return EXIT_TOOL_ERROR;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split("\n")[0] ?? "error";
}

process.exitCode = EXIT_TOOL_ERROR;
launch(process.argv.slice(2), process.env, processIo()).then((code) => {
  // exit at once: a keep-alive socket or a verifier's thread must not hold a finished run open
  process.exit(code);
});
