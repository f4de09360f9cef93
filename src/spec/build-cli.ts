/**
 * `npm run spec:build -- [--out FILE] [PAGE.md ...]`: re-assembles spec/tenant-api.openapi.json from
 * docs pages. With no pages it uses the copies kept in spec/source/, so the build works offline.
 * `--out FILE` writes elsewhere (a check or a test can build without touching the committed spec).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { describeError, EXIT_TOOL_ERROR, ToolError } from "../errors.js";
import { assembleDocument, extractFragments, serializeDocument } from "./assemble.js";
import { SPEC_PATH, SPEC_SOURCE_DIR } from "./paths.js";

export function buildFromPages(pages: readonly string[]): string {
  const fragments = pages.flatMap((page) => extractFragments(readPage(page), basename(page)));
  return serializeDocument(assembleDocument(fragments));
}

export function defaultPages(): string[] {
  return readdirSync(SPEC_SOURCE_DIR)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(SPEC_SOURCE_DIR, name));
}

function readPage(page: string): string {
  try {
    return readFileSync(page, "utf8");
  } catch (error) {
    throw new ToolError("SPEC_UNREADABLE", `cannot read ${page}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: "string" } }, allowPositionals: true });
  const pages = positionals.length > 0 ? positionals : defaultPages();
  const out = values.out ?? SPEC_PATH;
  // Build fully before writing: a conflict or bad fragment leaves the output file untouched.
  const text = buildFromPages(pages);
  writeFileSync(out, text);
  console.log(`wrote ${out} from ${pages.length} page(s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`spec:build: ${describeError(error)}`);
    process.exit(EXIT_TOOL_ERROR);
  }
}
