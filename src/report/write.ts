/** Writes the three reports into the report directory, every byte through the redactor. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TriagedRun } from "../findings/triage.js";
import type { Redactor } from "../redaction.js";
import type { SpecDocument } from "../spec/document.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";

export function writeReports(dir: string, result: TriagedRun, spec: SpecDocument, redactor: Redactor): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ["junit.xml", renderJunit(result)],
    ["conformance.json", renderJson(result)],
    ["report.html", renderHtml(result, spec)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, redactor.redact(text));
    return path;
  });
}
