/**
 * Reading the JSON files the suite is given (the spec, a pact, the journal): a missing or broken file
 * is bad input to the suite itself, so it becomes a one-line ToolError naming the file, never a throw
 * from fs or JSON.parse.
 */
import { readFileSync } from "node:fs";
import { ToolError, type ToolErrorCode } from "./errors.js";

export function readJsonFile(path: string, what: string, codes: { unreadable: ToolErrorCode; invalid: ToolErrorCode }): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ToolError(codes.unreadable, `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ToolError(codes.invalid, `${what} ${path} is not valid JSON (${(error as Error).message})`);
  }
}
