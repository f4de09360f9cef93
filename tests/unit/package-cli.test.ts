/**
 * The installable tool's command-line parts, in process: --version, --no-color, conformance --json,
 * the programmatic API, and the ANSI stripper the launcher puts over pact's native output.
 * (tests/conformance/package.test.ts installs the packed tarball; tests/provider/verify-colour.test.ts
 * runs the launcher against pact's verifier.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnsiStripper, colourOff, needsPlainChild, PLAIN_CHILD_MARK, takeNoColorFlag } from "../../src/cli/colour.js";
import { launch } from "../../src/cli/launch.js";
import { runPlainChild } from "../../src/cli/plain-child.js";
import { runConformance } from "../../src/index.js";
import { memoryIo } from "../support/cli-io.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "package-cli-"));
const READ_CHECKS = ["--checks", "list-owner-200,get-own-200-equals-list-entry"];

describe("--version", () => {
  it("prints the version of package.json and nothing else, exit 0", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) {
      const cli = memoryIo();
      expect(await launch([flag], {}, cli.io)).toBe(0);
      expect(cli.stdout()).toBe(`${version}\n`);
      expect(cli.stderr()).toBe("");
    }
  });

  it("is listed with --no-color under the launcher's --help", async () => {
    const cli = memoryIo();
    expect(await launch(["--help"], {}, cli.io)).toBe(0);
    expect(cli.stdout()).toContain("--version");
    expect(cli.stdout()).toContain("--no-color");
  });
});

describe("--no-color and NO_COLOR", () => {
  it("--no-color is the launcher's: any command accepts it and sees NO_COLOR=1", async () => {
    let seen: NodeJS.ProcessEnv = {};
    const spy = async (argv: string[], env: NodeJS.ProcessEnv) => {
      seen = env;
      return argv.length;
    };
    const cli = memoryIo();
    expect(await launch(["spy", "a", "--no-color", "b", "--", "--no-color"], {}, cli.io, { spy: { run: spy } })).toBe(4);
    expect(seen.NO_COLOR).toBe("1");
    expect(takeNoColorFlag(["a", "--no-color", "--", "--no-color"], {}).argv).toEqual(["a", "--", "--no-color"]);
    expect(takeNoColorFlag(["a"], { NO_COLOR: "" }).env).toEqual({ NO_COLOR: "" });
  });

  it("a command of the suite accepts --no-color where its own flags would refuse it", async () => {
    const cli = memoryIo();
    expect(await launch(["conformance", "--no-color", "--list-checks"], {}, cli.io)).toBe(0);
    expect(cli.stderr()).toBe("");
  });

  it("colour is off with NO_COLOR set and not empty, or without a terminal", () => {
    expect(colourOff({}, true)).toBe(false);
    expect(colourOff({ NO_COLOR: "" }, true)).toBe(false);
    expect(colourOff({ NO_COLOR: "1" }, true)).toBe(true);
    expect(colourOff({}, false)).toBe(true);
  });

  it("only a command with pact's native output runs in a plain child, and never twice", () => {
    expect(needsPlainChild("contracts:verify", {}, false)).toBe(true);
    expect(needsPlainChild("contracts:verify", {}, true)).toBe(false);
    expect(needsPlainChild("contracts:verify", { NO_COLOR: "1" }, true)).toBe(true);
    expect(needsPlainChild("contracts:verify", { [PLAIN_CHILD_MARK]: "1" }, false)).toBe(false);
    expect(needsPlainChild("conformance", {}, false)).toBe(false);
  });

  it("a verify run with a broker secret goes through the child even on a terminal, which redacts what pact's core prints", async () => {
    const secret = "pact-broker-token-5f0c2b7d9e1a43c8";
    expect(needsPlainChild("contracts:verify", { PACT_BROKER_TOKEN: secret }, true)).toBe(true);
    // A stand-in for pact's core: it writes the Authorization header a broker echoed, in colour, to its own stdout.
    const script = join(tempDir(), "echo-broker.mjs");
    writeFileSync(
      script,
      `process.stdout.write("\\u001b[31m401: Authorization: Bearer " + process.env.PACT_BROKER_TOKEN + "\\u001b[0m\\n");`,
    );
    const cli = memoryIo();
    const code = await runPlainChild(script, [], { PATH: process.env.PATH, PACT_BROKER_TOKEN: secret }, cli.io);
    expect(code).toBe(0);
    expect(cli.stdout()).toContain("401: Authorization: Bearer");
    expect(cli.stdout()).not.toContain(secret.slice(0, 12));
    expect(cli.stdout()).not.toContain("\u001b");
  });

  it("the stripper removes colour even when an escape is split across chunks, and keeps the text", () => {
    const stripper = new AnsiStripper();
    const chunks = ["Verifying \u001b[1mtenant", "-console\u001b[0m (\u001b", "[32", "mOK\u001b[0m)\n", "tail \u001b["];
    const out = chunks.map((chunk) => stripper.push(chunk)).join("") + stripper.flush();
    expect(out).toBe("Verifying tenant-console (OK)\ntail [");
    expect(out).not.toContain("\u001b");
  });
});

describe("conformance --json", () => {
  it("stdout is exactly the conformance.json written; the summary goes to stderr", async () => {
    const dir = tempDir();
    const cli = memoryIo({ cwd: tempDir() });
    expect(await launch(["conformance", "--json", ...READ_CHECKS, "--report-dir", dir], {}, cli.io)).toBe(0);
    expect(cli.stdout()).toBe(readFileSync(join(dir, "conformance.json"), "utf8"));
    const report = JSON.parse(cli.stdout()) as { verdict: { outcome: string }; formatVersion: number };
    expect(report.verdict.outcome).toBe("PASS");
    expect(cli.stderr()).toMatch(/^Running 2 of \d+ checks \(--checks [a-z0-9,-]+\) \(\+ \d+ every-response rules[^)]*\) against /);
    expect(cli.stderr()).toContain("Tenant API conformance");
  });

  it("a run that cannot be made prints nothing on stdout, one line on stderr, exit 2", async () => {
    const cli = memoryIo({ cwd: tempDir() });
    expect(await launch(["conformance", "--json", "--runs", "0"], {}, cli.io)).toBe(2);
    expect(cli.stdout()).toBe("");
    expect(cli.stderr()).toMatch(/^conformance: CONFIG_INVALID: --runs /);
  });
});

describe("runConformance (the package's programmatic API)", () => {
  it("returns the exit code, the verdict and the document of a run against the embedded provider", async () => {
    const dir = tempDir();
    let log = "";
    const result = await runConformance({
      args: [...READ_CHECKS, "--report-dir", dir],
      env: {},
      cwd: tempDir(),
      log: { write: (text: string) => (log += text) },
    });
    expect(result.exitCode).toBe(0);
    expect(result.verdict?.outcome).toBe("PASS");
    expect(result.verdict?.deployedApiTested).toBe(false);
    expect(result.report).toEqual(JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")));
    expect(result.report?.checks.map((check) => check.id)).toContain("list-owner-200");
    expect(log).toContain("Tenant API conformance");
  });

  it("a run that cannot be made is exit 2 without a verdict, its reason in the log", async () => {
    let log = "";
    const result = await runConformance({ args: ["--runs", "0"], env: {}, log: { write: (text: string) => (log += text) } });
    expect(result).toEqual({ exitCode: 2 });
    expect(log).toMatch(/CONFIG_INVALID/);
  });
});
