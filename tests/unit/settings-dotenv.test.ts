import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DotEnvError, parseDotEnv } from "../../src/config/dotenv.js";
import { withDotEnv } from "../../src/config/settings.js";
import { ToolError } from "../../src/errors.js";

const SECRET = "nc-at-CANARY-dotenv-5e1d9c0b";

describe("a .env file read by a strict parser", () => {
  it.each([
    ["a byte-order mark before the first name", `\uFEFFTENANT_API_TOKEN=${SECRET}\n`, { TENANT_API_TOKEN: SECRET }],
    ["export prefixes, indentation and blanks around =", "export A=1\n  export   B = 2\n\tC=3  \n", { A: "1", B: "2", C: "3" }],
    ["comments, blank lines and trailing comments", "# top\n\n  # indented\nA=1 # why\nB=#\n", { A: "1", B: "" }],
    ["a # inside quotes", "A=\"x # y\" # z\nB='p#q'\n", { A: "x # y", B: "p#q" }],
    ["single, double and backtick quotes", 'A=\'it "is"\'\nB="it\'s"\nC=`it\'s "both"`\n', { A: 'it "is"', B: "it's", C: `it's "both"` }],
    ["\\n expanded inside double quotes only", "A=\"a\\nb\"\nB='a\\nb'\n", { A: "a\nb", B: "a\\nb" }],
    ["a multi-line double-quoted value", 'A="line 1\nline 2"\nB=2\n', { A: "line 1\nline 2", B: "2" }],
    ["CRLF line ends", 'A=1\r\nB="x\r\ny"\r\n', { A: "1", B: "x\ny" }],
    ["an empty value", "A=\n", { A: "" }],
  ])("reads %s", (_name, text, expected) => {
    expect(parseDotEnv(text)).toEqual(expected);
  });

  it.each([
    ["a line that is not NAME=value", `A=1\n${SECRET}\nB=2\n`, 2, "expected NAME=value"],
    ["a name that is not a variable name", `A=1\n\nTENANT-API-TOKEN=${SECRET}\n`, 3, "expected NAME=value"],
    ["an empty name", `=${SECRET}\n`, 1, "expected NAME=value"],
    [
      "an unterminated double quote",
      `A=1\nTENANT_API_TOKEN="${SECRET}\nB=2\n`,
      2,
      'TENANT_API_TOKEN: the " quote opened here is never closed',
    ],
    ["an unterminated single quote", `TENANT_API_TOKEN='${SECRET}\n`, 1, "TENANT_API_TOKEN: the ' quote opened here is never closed"],
    ["text after a closing quote", `TENANT_API_TOKEN="${SECRET}"x\n`, 1, "unexpected text after the closing"],
    ["an escaped quote (parseEnv would cut the value there)", `TENANT_API_TOKEN="a\\"${SECRET}"\n`, 1, "cannot be escaped"],
    ["a # glued to an unquoted value (parseEnv would cut it)", `TENANT_API_TOKEN=${SECRET}#tail\n`, 1, "quote the value"],
    ["a name set twice", `TENANT_API_TOKEN=${SECRET}\nTENANT_API_TOKEN=${SECRET}\n`, 2, "already set on line 1"],
  ])("refuses %s, naming the line and never its value", (_name, text, line, detail) => {
    let caught: unknown;
    try {
      parseDotEnv(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DotEnvError);
    const error = caught as DotEnvError;
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^line ${line}: `));
    expect(error.message).toContain(detail);
    expect(error.message).not.toContain(SECRET.slice(0, 12));
  });

  it("reports a malformed line of the .env file as a ToolError 'cannot read .env: line N'", () => {
    const path = join(mkdtempSync(join(tmpdir(), "dotenv-")), ".env");
    writeFileSync(path, `TENANT_API_BASE_URL=http://127.0.0.1:9/tenant\nTENANT_API_TOKEN "${SECRET}"\n`);
    expect(() => withDotEnv({}, path)).toThrow(
      new ToolError("CONFIG_INVALID", `cannot read ${path}: line 2: expected NAME=value, a comment or a blank line`),
    );
  });

  it("lets real environment variables win over the file", () => {
    const path = join(mkdtempSync(join(tmpdir(), "dotenv-")), ".env");
    writeFileSync(path, "A=from-file\nB=from-file\n");
    expect(withDotEnv({ A: "from-env" }, path)).toMatchObject({ A: "from-env", B: "from-file" });
  });
});
