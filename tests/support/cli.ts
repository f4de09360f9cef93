/** Runs the conformance CLI as CI does: a child process with its own environment. */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** tsx as a loader, named by its URL: `--import tsx` resolves from the working directory, a temporary one here. */
const TSX_LOADER = import.meta.resolve("tsx");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Called with the child as soon as it starts (to send signals). */
  onStart?: (child: ReturnType<typeof spawn>) => void;
}

/** A new, empty state directory for locks and journals (src/config/state-dir.ts). */
export const freshStateDir = () => mkdtempSync(join(tmpdir(), "conformance-state-"));

/** Environment without any TENANT_API_* variable of the developer's shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TENANT_API_")));
}

/** Runs `npm run <command> -- <args>` through the launcher, as the package.json scripts do (tsx as a loader). */
export function runCli(command: string, args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, `${ROOT}src/cli/main.ts`, command, ...args], {
      cwd: options.cwd ?? ROOT,
      // A fresh state directory unless the test names one: no test touches the user's own (~/.local/state).
      env: { ...cleanEnv(), TENANT_API_STATE_DIR: freshStateDir(), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    options.onStart?.(child);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export const runConformance = (args: string[], options?: CliOptions) => runCli("conformance", args, options);
