/**
 * Runs an npm script exactly as a developer or CI does (`npm run <script> -- <args>`), in a process
 * group of its own, so a test can send a signal to the whole group (what Ctrl-C in a terminal does)
 * or to the node process that runs the command (what `kill` or a closing terminal does).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freshStateDir } from "./cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface NpmRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves to the exit code (or the signal that ended npm) once npm has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Environment without any TENANT_API_* variable of the developer's shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TENANT_API_")));
}

export function npmRun(script: string, args: string[], env: Record<string, string>): NpmRun {
  const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), TENANT_API_STATE_DIR: freshStateDir(), ...env }, // never the user's own state directory
    detached: true, // its own process group, as a terminal's foreground job
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.on("close", (code, signal) => resolve(code ?? signal));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * The pid of the node process that runs src/cli/main.ts in the group of `leader` (Linux: read from
 * /proc). When a relay (such as tsx's CLI) starts another node below it, the lowest one is the run.
 */
export function launcherPid(leader: number): number | undefined {
  const inGroup = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => ({ pid: Number(name), stat: readOrEmpty(`/proc/${name}/stat`), cmd: readOrEmpty(`/proc/${name}/cmdline`) }))
    .filter(({ stat, cmd }) => groupOf(stat) === leader && cmd.includes("src/cli/main.ts"));
  const parents = new Set(inGroup.map(({ stat }) => parentOf(stat)));
  return inGroup.find(({ pid }) => !parents.has(pid))?.pid;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // the process ended meanwhile
  }
}

/** Fields after the command name in /proc/<pid>/stat: state, ppid, pgrp, ... */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

const parentOf = (stat: string) => Number(statFields(stat)[1]);
const groupOf = (stat: string) => (stat === "" ? -1 : Number(statFields(stat)[2]));

/** Ends the group `leader` if anything of it still runs (a test that failed half-way). */
export function endGroup(leader: number | undefined): void {
  if (leader === undefined) return;
  try {
    process.kill(-leader, "SIGKILL");
  } catch {
    // already gone
  }
}
