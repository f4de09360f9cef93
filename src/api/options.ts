/**
 * The checks `runConformance()` makes of what a script passes, before anything runs: JavaScript
 * callers have no compiler to catch `env: { TENANT_API_TOKEN: 5 }` or `args: "--read-only"`, and the
 * gate deep inside would fail with a TypeError naming its own internals. One sentence naming the option.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";

/** Why the options cannot be used, in one line; undefined when they can. */
export function optionsProblem(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return `options must be an object, got ${kind(options)}`;
  const { args, env, cwd, log, signal, handleSignals } = options as Record<string, unknown>;
  return (
    argsProblem(args) ??
    envProblem(env) ??
    (cwd === undefined || (typeof cwd === "string" && cwd !== "")
      ? undefined
      : `options.cwd must be a non-empty string, got ${kind(cwd)}`) ??
    (log === undefined || (typeof log === "object" && log !== null && typeof (log as { write?: unknown }).write === "function")
      ? undefined
      : `options.log must be an object with a write(text) method, got ${kind(log)}`) ??
    (signal === undefined || signal instanceof AbortSignal ? undefined : `options.signal must be an AbortSignal, got ${kind(signal)}`) ??
    (handleSignals === undefined || typeof handleSignals === "boolean"
      ? undefined
      : `options.handleSignals must be a boolean, got ${kind(handleSignals)}`)
  );
}

/** Why `cwd` cannot be the run's working directory; undefined when it can. */
export function cwdProblem(cwd: string): string | undefined {
  try {
    return statSync(cwd).isDirectory() ? undefined : `options.cwd ${resolve(cwd)} is not a directory`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `options.cwd ${resolve(cwd)} does not exist` : `options.cwd ${resolve(cwd)} cannot be used (${code})`;
  }
}

function argsProblem(args: unknown): string | undefined {
  if (args === undefined) return undefined;
  if (!Array.isArray(args)) return `options.args must be an array of strings, got ${kind(args)}`;
  const bad = args.findIndex((arg) => typeof arg !== "string");
  return bad === -1 ? undefined : `options.args[${bad}] must be a string, got ${kind(args[bad])}`;
}

function envProblem(env: unknown): string | undefined {
  if (env === undefined) return undefined;
  if (typeof env !== "object" || env === null || Array.isArray(env)) return `options.env must be an object of strings, got ${kind(env)}`;
  const bad = Object.entries(env).find(([, value]) => value !== undefined && typeof value !== "string");
  return bad === undefined ? undefined : `options.env.${bad[0]} must be a string, got ${kind(bad[1])}`;
}

/** What a value is, for the message: never the value itself (it may be a token). */
function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
