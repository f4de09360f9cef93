/**
 * Runs a contracts CLI as CI does: a child process whose environment has no broker, pact or CI
 * variable of the developer's shell, only what the test gives it. Output is kept whole, so a test
 * can prove a secret appears nowhere in it.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface PactCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

/** The environment of a clean CI-less shell plus `extra`: no broker, consumer or CI variables leak in. */
export function pactFreeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(PACT_|GITHUB_|CI_JOB_URL|BUILD_URL|BUILDKITE|TENANT_API_)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** The tsx loader and the launcher by absolute path: a run from another folder (a team's repository) finds both. */
const TSX_LOADER = join(ROOT, "node_modules/tsx/dist/loader.mjs");
const LAUNCHER = join(ROOT, "src/cli/main.ts");

/**
 * Runs `npm run <command> -- <args>` through the launcher, as the package.json scripts do, in the
 * repository or (`cwd`) in another folder, as the installed tool runs in a team's repository.
 */
export function runPactCli(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string = ROOT): Promise<PactCliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", pathToFileURL(TSX_LOADER).href, LAUNCHER, command, ...args], { cwd, env });
    const run = { stdout: "", stderr: "", output: "" };
    child.stdout.on("data", (chunk: Buffer) => {
      run.stdout += chunk.toString("utf8");
      run.output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      run.stderr += chunk.toString("utf8");
      run.output += chunk.toString("utf8");
    });
    child.on("close", (code) => resolve({ code, ...run }));
  });
}

/** A loopback port nobody listens on: the address of a broker or provider that is down. */
export async function closedPortUrl(): Promise<string> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
