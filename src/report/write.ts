/**
 * Writes the three reports into the report directory, every byte through the redactor. A report
 * never follows a symbolic link planted at its path (a link to ~/.bashrc must not be overwritten
 * with server text): each is written to a new temporary file in the same directory, created with
 * O_CREAT | O_EXCL | O_NOFOLLOW, then renamed over the report's name. rename(2) replaces the link
 * itself, never its target.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ToolError } from "../errors.js";
import type { TriagedRun } from "../findings/triage.js";
import type { Redactor } from "../redaction.js";
import type { SpecDocument } from "../spec/document.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";

// O_NOFOLLOW does not exist on Windows; O_EXCL alone already refuses an existing link there.
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export function writeReports(dir: string, result: TriagedRun, spec: SpecDocument, redactor: Redactor): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ["junit.xml", renderJunit(result)],
    ["conformance.json", renderJson(result)],
    ["report.html", renderHtml(result, spec)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    replaceFile(path, redactor.redact(text));
    return path;
  });
}

/** Puts `text` at `path` without writing through whatever is there; a failure is exit 2, naming the file. */
export function replaceFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const fd = openSync(temporary, CREATE_NEW, 0o644);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ToolError("CONFIG_INVALID", `cannot write the report ${path} (${code})`);
  }
}
