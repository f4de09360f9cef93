/** Finds the command by name and runs it; an error that escapes it is one line, redacted and inert. */
import { EXIT_OK, EXIT_TOOL_ERROR } from "../errors.js";
import { errorLine } from "./args.js";
import { takeNoColorFlag } from "./colour.js";
import { COMMANDS, LAUNCHER_USAGE } from "./commands.js";
import type { CliIo, Command } from "./io.js";
import { packageVersion } from "./version.js";

/** Runs `argv` = [command, ...args]; resolves to the exit code. */
export async function launch(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  commands: Record<string, { run: Command }> = COMMANDS,
): Promise<number> {
  // --no-color is the launcher's for every command: it becomes NO_COLOR in the command's environment.
  const plain = takeNoColorFlag(argv, env);
  const [name = "", ...args] = plain.argv;
  if (name === "--help" || name === "-h") {
    io.stdout.write(`${LAUNCHER_USAGE}\n`);
    return EXIT_OK;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = commands[name];
  if (command === undefined) {
    errorLine(io, env, `unknown command ${JSON.stringify(name)}: one of ${Object.keys(commands).join(", ")} (see --help)`);
    return EXIT_TOOL_ERROR;
  }
  try {
    return await command.run(args, plain.env, io);
  } catch (error) {
    // A ToolError is the command's to report; anything reaching here is a defect of the suite.
    errorLine(io, env, `${name}: internal error: ${oneLine(error)}`);
    return EXIT_TOOL_ERROR;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split("\n")[0] ?? "error";
}
