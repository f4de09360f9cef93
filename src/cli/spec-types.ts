/**
 * `npm run spec:types [-- --out FILE]`: regenerates src/spec/generated/tenant-api.d.ts from
 * spec/tenant-api.openapi.json (or writes to FILE instead).
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT_OK } from "../errors.js";
import { SPEC_PATH, TYPES_PATH } from "../spec/paths.js";
import { command, parseCommandLine } from "./args.js";
import type { CliIo } from "./io.js";

export const USAGE = `Usage: npm run spec:types [-- --out FILE]

Regenerates the TypeScript types (src/spec/generated/tenant-api.d.ts) from spec/tenant-api.openapi.json.

Options:
  --out FILE   write to FILE instead
  -h, --help   this text

Exit codes: 0 written, 2 the spec could not be read or the file not written.`;

export function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  return command("spec:types", USAGE, argv, env, io, async () => {
    const { values } = parseCommandLine(argv, { out: { type: "string" } });
    const out = values.out === undefined ? TYPES_PATH : resolve(io.cwd, values.out);
    // Imported here, not at the top: openapi-typescript is a dev dependency, and the installed package
    // (npm install --omit=dev) loads every command's module to start any one of them.
    const { generateTypes } = await import("../spec/generate-types.js");
    writeFileSync(out, await generateTypes(SPEC_PATH));
    io.stdout.write(`wrote ${out} from ${SPEC_PATH}\n`);
    return EXIT_OK;
  });
}
