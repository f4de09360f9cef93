/**
 * Consumer and provider names of the pact and where pacts are found. Both names are configurable
 * (PACT_CONSUMER, PACT_PROVIDER) so another consuming team can reuse the tests under its own name.
 * A command reads the pacts of the folder it runs in (./contracts): the package's own CONTRACTS_DIR
 * is the tenant console's pact, bundled for the provider's verification, never a team's to publish.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDirectory } from "../config/make-dirs.js";
import { ToolError } from "../errors.js";
import { loadPact } from "./pact-model.js";

/** The tenant console's pact as this package ships it (tests and provider verification). */
export const CONTRACTS_DIR = fileURLToPath(new URL("../../contracts/", import.meta.url));

/** `--dir DIR` resolved against the working folder, else the working folder's contracts/. */
export function workingContractsDir(cwd: string, dir?: string): string {
  return resolve(cwd, dir ?? "contracts");
}

/**
 * The pact files named (files, or folders whose *.json are taken), else those of `dir`; a tool error
 * when there are none, naming where it looked.
 */
export function pactFilesOf(paths: string[], dir: string, cwd: string): string[] {
  const files =
    paths.length > 0
      ? paths.flatMap((path) => {
          const full = resolve(cwd, path);
          return isDirectory(full) ? committedPactFiles(full) : [full];
        })
      : committedPactFiles(dir);
  if (files.length === 0) {
    throw new ToolError(
      "CONFIG_MISSING",
      `no pact files given and none in ${dir} (write your pacts there, or pass --dir DIR or PACT.json)`,
    );
  }
  return files;
}

/** A tool error when any of the pacts is not `consumer`'s: a team must never publish another's pact. */
export function assertConsumer(files: string[], consumer: string, source: string): void {
  for (const file of files) {
    const pact = loadPact(file);
    if (pact.consumer !== consumer) {
      throw new ToolError(
        "CONFIG_INVALID",
        `${file} is the pact of consumer "${pact.consumer}", not of "${consumer}" (${source}): publish only your own pacts`,
      );
    }
  }
}

export interface PactNames {
  consumer: string;
  provider: string;
  /** The file name Pact gives the contract: `<consumer>-<provider>.json`. */
  fileName: string;
}

export function pactNames(env: NodeJS.ProcessEnv = process.env): PactNames {
  const consumer = env.PACT_CONSUMER?.trim() || "tenant-console";
  const provider = env.PACT_PROVIDER?.trim() || "tenant-api";
  return { consumer, provider, fileName: `${consumer}-${provider}.json` };
}

/** The pact files committed in contracts/, sorted; empty when there are none. */
export function committedPactFiles(dir: string = CONTRACTS_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
