/**
 * `npm run spec:build -- [--out FILE] [PAGE.md ...]`: re-assembles spec/tenant-api.openapi.json from
 * docs pages. With no pages it uses the copies kept in spec/source/, so the build works offline.
 * `--out FILE` writes elsewhere (a check or a test can build without touching the committed spec).
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT_OK } from "../errors.js";
import { buildFromPages, defaultPages } from "../spec/build.js";
import { SPEC_PATH } from "../spec/paths.js";
import { command, parseCommandLine } from "./args.js";
import type { CliIo } from "./io.js";

export const USAGE = `Usage: npm run spec:build -- [--out FILE] [PAGE.md ...]

Re-assembles spec/tenant-api.openapi.json from the OpenAPI fragments of docs pages
(default: the copies in spec/source/, so it works offline). A conflict leaves the file untouched.

Options:
  --out FILE   write to FILE instead of spec/tenant-api.openapi.json
  -h, --help   this text

Exit codes: 0 written, 2 a page is unreadable or its fragments conflict.`;

export function run(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  return command("spec:build", USAGE, argv, env, io, () => {
    const { values, positionals } = parseCommandLine(argv, { out: { type: "string" } }, true);
    const pages = positionals.length > 0 ? positionals.map((page) => resolve(io.cwd, page)) : defaultPages();
    const out = values.out === undefined ? SPEC_PATH : resolve(io.cwd, values.out);
    // Build fully before writing: a conflict or bad fragment leaves the output file untouched.
    const text = buildFromPages(pages);
    writeFileSync(out, text);
    io.stdout.write(`wrote ${out} from ${pages.length} page(s)\n`);
    return EXIT_OK;
  });
}
