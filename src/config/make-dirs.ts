/**
 * Creating a directory and its missing parents in bounded time. Node 20's recursive `mkdirSync` loops
 * forever under /proc (every level answers ENOENT, so it retries the parent again and again) and, being
 * synchronous, holds off SIGTERM while it does. Here each missing level is created once, from the
 * nearest existing ancestor down, so a path that cannot be made fails after one try per level.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Why `dir` could not be made (the failing level and its errno), or undefined once it is a directory. */
export function makeDirs(dir: string, mode: number): string | undefined {
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  let kind = kindOf(existing);
  while (kind === "none" && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
    kind = kindOf(existing);
  }
  if (kind !== "dir") return `${existing} is not a directory`;
  for (const level of missing) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another run may create the same level at the same moment: that is success.
      if (code === "EEXIST" && kindOf(level) === "dir") continue;
      return `${level} cannot be created (${code ?? (error as Error).message})`;
    }
  }
  return undefined;
}

/** Whether a directory stands at `path` (false when nothing, a file, or an unreadable path does). */
export function isDirectory(path: string): boolean {
  return kindOf(path) === "dir";
}

/** What stands at `path`; "none" also when a file stands where an ancestor directory should be. */
function kindOf(path: string): "dir" | "other" | "none" {
  try {
    return statSync(path).isDirectory() ? "dir" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "none" : "other";
  }
}
