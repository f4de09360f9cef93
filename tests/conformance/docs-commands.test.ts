/**
 * Every command of README.md and docs/*.md that is meant to be pasted runs here, as pasted (issue 26:
 * each of them had failed when typed). A fenced ```sh block says which it is in its info string
 * (docs/how-to-add-a-check.md, "Commands in the docs"):
 *   ```sh runnable [env=provider|broker] [exit=N]   run by this test, expected exit N (default 0)
 *   ```sh not-runnable: REASON                         not run here, and why (a live API, a registry, ...)
 * A runnable block runs with `bash -e -o pipefail` in a fresh copy of this checkout (its node_modules
 * linked), with the PATH of a newcomer's shell (no node_modules/.bin on it), no TENANT_API_*, PACT_* or
 * npm_* variable of the test's own environment, and with env=provider the reference provider served and
 * the TENANT_API_* variables its export lines print, with env=broker the broker stand-in in
 * PACT_BROKER_BASE_URL.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { exportLines } from "../../src/cli/provider.js";
import { parseSettings } from "../../src/config/settings.js";
import { startProvider } from "../../src/provider/server.js";
import { startBrokerStandIn } from "../support/broker-stand-in.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

interface Block {
  /** `file:line` of the opening fence. */
  where: string;
  info: string;
  code: string;
}

interface Marking {
  runnable: boolean;
  reason?: string;
  env?: "provider" | "broker";
  exit: number;
}

/** The fenced blocks of a Markdown file whose language is sh. */
function shBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ *```(\S*)\s*(.*)$/.exec(lines[i] ?? "");
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^ *```\s*$/.test(line));
    if (open[1] === "sh") blocks.push({ where: `${file}:${i + 1}`, info: open[2] ?? "", code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** The marker of the info string; undefined when the block says neither. */
function marking(info: string): Marking | undefined {
  const not = /^not-runnable:\s*(\S.*)$/.exec(info);
  if (not) return { runnable: false, reason: not[1], exit: 0 };
  const [word, ...options] = info.split(/\s+/);
  if (word !== "runnable") return undefined;
  const option = (name: string) => options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
  const env = option("env");
  if (env !== undefined && env !== "provider" && env !== "broker") throw new Error(`unknown env=${env}`);
  return { runnable: true, exit: Number(option("exit") ?? 0), ...(env ? { env } : {}) };
}

const blocks = DOCS.flatMap(shBlocks);
const scratch = mkdtempSync(join(tmpdir(), "docs-commands-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of this checkout's files (committed or not, never ignored ones), its node_modules linked. */
function freshCopy(name: string): string {
  const copy = join(scratch, name);
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0");
  for (const file of files.filter((f) => f !== "")) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file), { errorOnExist: false });
  }
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  return copy;
}

/** A newcomer's shell: no variable of this test run that would change what a command does. */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(TENANT_API_|PACT_|GITHUB_|npm_|NODE_OPTIONS$|VITEST|CI$)/i.test(name)) env[name] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.includes("node_modules"))
    .join(delimiter);
  return env;
}

/** Starts what env=… asks for; returns its variables and how to stop it. */
async function blockEnv(kind: Marking["env"]): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  if (kind === "provider") {
    const provider = await startProvider({ providerStates: true });
    const env = Object.fromEntries(
      exportLines(provider).map((line) =>
        line
          .replace(/^export /, "")
          .split(/=(.*)/)
          .slice(0, 2),
      ),
    );
    return { env, stop: () => provider.close() };
  }
  if (kind === "broker") {
    const broker = await startBrokerStandIn();
    const env = {
      PACT_BROKER_BASE_URL: broker.baseUrl,
      PACT_BROKER_TOKEN: `docs-${randomBytes(8).toString("hex")}`,
      PACT_CONSUMER_VERSION: "1.0.0",
      PACT_CONSUMER_BRANCH: "main",
    };
    return { env, stop: () => broker.close() };
  }
  return { env: {}, stop: async () => {} };
}

function runBash(code: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", code], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("close", (exit) => resolve({ code: exit, output }));
  });
}

describe("every pasted command of the docs (issue 26)", () => {
  it("every sh block is marked runnable, or not-runnable with a reason", () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((b) => marking(b.info) === undefined).map((b) => `${b.where}: \`\`\`sh ${b.info}`)).toEqual([]);
  });

  const runnable = blocks.flatMap((block) => {
    const mark = marking(block.info);
    return mark?.runnable ? [{ block, mark }] : [];
  });

  it("some blocks run (the marker is not only ever not-runnable)", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(4);
  });

  runnable.forEach(({ block, mark }, index) => {
    it(`${block.where} runs as pasted${mark.env ? ` (env=${mark.env})` : ""}: exit ${mark.exit}`, async () => {
      const copy = freshCopy(`copy-${index}`);
      const started = await blockEnv(mark.env);
      try {
        const env = { ...newcomerEnv(), TENANT_API_STATE_DIR: join(copy, ".state"), ...started.env };
        const run = await runBash(block.code, copy, env);
        expect(run.code, `${block.where}\n${block.code}\n--- output ---\n${run.output.slice(-4000)}`).toBe(mark.exit);
      } finally {
        await started.stop();
      }
    }, 180_000);
  });
});

describe("docs whose commands run elsewhere (issue 26)", () => {
  it("install.md's Action example fails on skipped checks (--fail-on-skip), so INCOMPLETE is not a green step", () => {
    const install = readFileSync(join(ROOT, "docs/install.md"), "utf8");
    const action = install.slice(install.indexOf("```yaml"));
    const args = /^\s*args: (.*)$/m.exec(action)?.[1] ?? "";
    expect(args).toContain("--fail-on-skip");
  });

  it("install.md builds the tarball after npm ci, and installs it in another folder than the clone", () => {
    const [build, install] = shBlocks("docs/install.md").map((b) => b.code);
    const lines = (build ?? "").split("\n").map((line) => line.trim().split(/\s+#/)[0]);
    expect(lines.indexOf("npm ci")).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf("npm ci")).toBeLessThan(lines.indexOf("npm pack"));
    // The install goes into a folder the block first moves to, never the clone itself.
    const moves = (install ?? "").indexOf("cd ../");
    expect(moves).toBeGreaterThanOrEqual(0);
    expect(moves).toBeLessThan((install ?? "").indexOf("npm install"));
  });

  it("ci.md's gate step parses when every optional variable the repository does not define arrives empty", () => {
    const ci = readFileSync(join(ROOT, "docs/ci.md"), "utf8");
    const step = ci.slice(ci.indexOf("- name: Conformance gate against staging"), ci.indexOf("- name: Restore"));
    const env = Object.fromEntries(
      [...step.matchAll(/^\s+(TENANT_API_\w+): (.*)$/gm)].map(([, name, value]) => {
        // Defined only the base URL and the owner's token; any ${{ … }} else is an undefined variable: "".
        const defined = name === "TENANT_API_TOKEN" ? "tok-docs-123456" : value?.includes("${{") ? "" : (value ?? "").replace(/"/g, "");
        return [name, defined];
      }),
    );
    expect(Object.keys(env)).toEqual(expect.arrayContaining(["TENANT_API_ORG_ID", "TENANT_API_FOREIGN_ORG_ID"]));
    const settings = parseSettings(["--report-dir", "reports", "--fail-on-skip"], env);
    expect(settings).toMatchObject({ baseUrl: "https://staging.api.example.com/tenant", orgId: undefined, foreignOrgId: undefined });
  });
});
