/**
 * Consumer and provider names of the pact and where it is committed. Both names are configurable
 * (PACT_CONSUMER, PACT_PROVIDER) so another consuming team can reuse the tests under its own name.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CONTRACTS_DIR = fileURLToPath(new URL("../../contracts/", import.meta.url));

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
