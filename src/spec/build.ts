/**
 * The spec as built from docs pages (`npm run spec:build`, src/cli/spec-build.ts): every fragment
 * of every page assembled into one document. With no pages the copies kept in spec/source/ are
 * used, so the build works offline.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ToolError } from "../errors.js";
import { assembleDocument, extractFragments, serializeDocument } from "./assemble.js";
import { SPEC_SOURCE_DIR } from "./paths.js";

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
