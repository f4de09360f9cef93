import { describe, expect, it } from "vitest";
import { escapeControls, terminalLine } from "../../src/report/terminal-text.js";

describe("a line for the console", () => {
  it.each([
    ["ESC (a screen clear)", "a\u001b[2Jb", "a\\e[2Jb"],
    ["CR and LF", "a\r\nb", "a\\r\\nb"],
    ["BEL, NUL and DEL", "\u0007\u0000\u007f", "\\x07\\x00\\x7f"],
    ["C1 (an 8-bit CSI)", "\u009b31m", "\\x9b31m"],
    ["bidi overrides, isolates and marks", "\u202eabc\u2066\u2069\u200f\u061c", "\\u202eabc\\u2066\\u2069\\u200f\\u061c"],
    ["line and paragraph separators", "a\u2028b\u2029", "a\\u2028b\\u2029"],
  ])("shows %s as escapes", (_name, text, shown) => {
    expect(escapeControls(text)).toBe(shown);
  });

  it("keeps printable text, quotes and non-Latin letters as they are", () => {
    const text = 'FAIL getOrganization 200 /name: expected "Ünïcødé 😀 名前", got "\\u0000" [x]';
    expect(terminalLine(text)).toBe(text);
  });

  it.each([
    ["::error::forged", "\\::error::forged"],
    ["  ::set-output name=x::y", "  \\::set-output name=x::y"],
    ["##vso[task.setvariable variable=x]y", "##vso\\[task.setvariable variable=x]y"],
    ["##[error]forged", "##\\[error]forged"],
  ])("never starts with a workflow command: %s", (line, shown) => {
    expect(terminalLine(line)).toBe(shown);
  });

  // The runners' legacy parsers look for `##[` and `##vso[` anywhere in a line (GitHub's ActionCommand.TryParse
  // and Azure's agent use IndexOf), so a `\\` in front is not enough: the bracket itself is escaped.
  it.each([
    ['FAIL x: got "##[error]forged"', 'FAIL x: got "##\\[error]forged"'],
    ["FAIL x: got ##VSO[task.complete result=Succeeded]done", "FAIL x: got ##VSO\\[task.complete result=Succeeded]done"],
    ["a ##[group]b ##vso[task.setvariable variable=x]y", "a ##\\[group]b ##vso\\[task.setvariable variable=x]y"],
    ["::error::a ##[warning]b", "\\::error::a ##\\[warning]b"],
  ])("neutralises a workflow command in the middle of a line: %s", (line, shown) => {
    const safe = terminalLine(line);
    expect(safe).toBe(shown);
    expect(safe).not.toMatch(/##(vso)?\[/i);
  });

  it("cannot be split into a second line that starts a workflow command", () => {
    const line = terminalLine("FAIL x: got \n::error::forged\r");
    expect(line).toBe("FAIL x: got \\n::error::forged\\r");
    expect(line.split("\n")).toHaveLength(1);
  });
});
