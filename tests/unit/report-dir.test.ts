import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkReportDir, ensureReportDir } from "../../src/config/report-dir.js";
import { ToolError } from "../../src/errors.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "report-dir-"));

describe("the report directory, checked before the first request", () => {
  it("is created level by level and left empty (the probe file is removed)", () => {
    const dir = join(tempDir(), "a", "b", "c");
    ensureReportDir(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  // issue 26: an outage night left an empty report directory that the nightly recipe copied over its baseline.
  it("is only checked, not created, before the run can be made", () => {
    const dir = join(tempDir(), "a", "reports");
    checkReportDir(dir);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(dir, ".."))).toBe(false);
    const root = tempDir();
    writeFileSync(join(root, "file"), "");
    expect(() => checkReportDir(join(root, "file", "reports"))).toThrow("is not a directory");
    expect(() => checkReportDir("/proc/conformance-reports/x")).toThrow("cannot create /proc/conformance-reports");
    expect(readdirSync(root)).toEqual(["file"]);
  });

  it("may already exist", () => {
    const dir = tempDir();
    ensureReportDir(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ["a file stands where a directory should be", (root: string) => join(root, "file"), "is not a directory"],
    ["a file stands where an ancestor should be", (root: string) => join(root, "file", "reports"), "is not a directory"],
    ["it lies below /proc", () => "/proc/conformance-reports/x", "cannot create /proc/conformance-reports"],
  ])("is refused with a ToolError when %s", (_name, pathIn, message) => {
    const root = tempDir();
    writeFileSync(join(root, "file"), "");
    const dir = pathIn(root);
    expect(() => ensureReportDir(dir)).toThrow(ToolError);
    expect(() => ensureReportDir(dir)).toThrow(message);
  });
});
