/**
 * How a user types a command: from the installed package (dist/) through the package's bin, from the
 * repository through its npm scripts. Every replay, restore and usage line a run prints is written the
 * repository's way and goes through here, so the line works where it is read.
 */
const INSTALLED = /\/dist\/launch\.js$/.test(import.meta.url);
const BIN = "npx tenant-api-conformance";

/** The prefix that runs the gate with the arguments after it. */
export const CONFORMANCE_COMMAND = INSTALLED ? `${BIN} conformance` : "npm run conformance --";

/** The launcher's own line: the bin where installed, else the entry point and the npm scripts. */
export const LAUNCHER_LINE = INSTALLED
  ? `${BIN} <command> [options]`
  : "node --import tsx src/cli/main.ts <command> [options]   (npm run <command> -- [options])";

/** A usage text written with `npm run NAME -- …` (or `npm run NAME [-- …]`), as the user types it here. */
export function asTyped(usage: string): string {
  if (!INSTALLED) return usage;
  return usage
    .replace(/npm run ([\w:-]+) -- /g, `${BIN} $1 `)
    .replace(/npm run ([\w:-]+)/g, `${BIN} $1`)
    .replaceAll("[-- ", "[");
}
