/**
 * Comparing a freshly produced pact with the committed one. Pact writes tool versions into the
 * metadata and orders interactions as they were added, neither of which is part of the contract,
 * so both sides are normalised before comparison.
 */
import { readFileSync } from "node:fs";

type Json = Record<string, unknown>;

export function readPact(path: string): Json {
  return JSON.parse(readFileSync(path, "utf8")) as Json;
}

/** The contract without tool versions, interactions sorted by description then state. */
export function normalisePact(pact: Json): Json {
  const metadata = { ...(pact.metadata as Json | undefined) };
  delete metadata.pactRust;
  delete metadata["pact-js"];
  delete metadata.pactJs;
  const interactions = [...((pact.interactions as Json[] | undefined) ?? [])].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  return { ...pact, metadata, interactions };
}

function sortKey(interaction: Json): string {
  return `${String(interaction.description)}\u0000${JSON.stringify(interaction.providerStates ?? [])}`;
}
