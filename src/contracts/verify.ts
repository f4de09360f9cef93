/**
 * Provider verification of pact files with pact's Verifier. In process (tests) the state handlers
 * come from provider-states.ts; against any running provider a state can only be set up when the
 * provider offers a state set-up URL, so without one the interactions that need a state are left
 * out of the run and reported as such, and the rest are verified.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Verifier } from "@pact-foundation/pact";
import { ToolError } from "../errors.js";
import { readJsonFile } from "../json-file.js";
import { isObject, type JsonObject } from "../spec/assemble.js";
import type { StateSetup } from "./provider-states.js";
import { STATES } from "./states.js";

export interface NeedsSetup {
  pact: string;
  interaction: string;
  states: string[];
}

export interface VerifyOptions {
  providerBaseUrl: string;
  pactFiles: string[];
  provider?: string;
  /** In-process handlers keyed by state sentence. */
  stateHandlers?: Record<string, StateSetup>;
  /** A running provider's own state set-up endpoint (pact's {state, params, action} POST). */
  providerStatesSetupUrl?: string;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error";
}

export interface VerifyOutcome {
  /** Interactions sent to the provider. */
  verified: number;
  /** Interactions left out because their provider states could not be set up. */
  needsSetup: NeedsSetup[];
}

export async function verifyPacts(options: VerifyOptions): Promise<VerifyOutcome> {
  const canSetUp = options.stateHandlers !== undefined || options.providerStatesSetupUrl !== undefined;
  const workDir = mkdtempSync(join(tmpdir(), "pact-verify-"));
  try {
    const needsSetup: NeedsSetup[] = [];
    const pactUrls: string[] = [];
    let verified = 0;
    let provider = options.provider;
    for (const file of options.pactFiles) {
      const pact = readPactJson(file);
      // The core verifier needs the provider's name; a pact carries it.
      provider ??= isObject(pact.provider) && typeof pact.provider.name === "string" ? pact.provider.name : undefined;
      const split = splitByState(pact, file, canSetUp);
      needsSetup.push(...split.needsSetup);
      if (split.runnable.length === 0) continue;
      verified += split.runnable.length;
      const runnable = join(workDir, `${pactUrls.length}-${basename(file)}`);
      writeFileSync(runnable, JSON.stringify({ ...split.pact, interactions: split.runnable }));
      pactUrls.push(runnable);
    }
    if (pactUrls.length > 0) {
      await new Verifier({
        provider: provider ?? "provider",
        providerBaseUrl: options.providerBaseUrl,
        pactUrls,
        stateHandlers: options.stateHandlers ?? forwardingHandlers(options.providerStatesSetupUrl),
        logLevel: options.logLevel ?? "error",
      }).verifyProvider();
    }
    return { verified, needsSetup };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function readPactJson(file: string): JsonObject {
  const raw = readJsonFile(file, "pact", { unreadable: "PACT_INVALID", invalid: "PACT_INVALID" });
  if (!isObject(raw) || !Array.isArray(raw.interactions))
    throw new ToolError("PACT_INVALID", `${file} is not a pact (needs "interactions")`);
  return raw;
}

function splitByState(
  pact: JsonObject,
  file: string,
  canSetUp: boolean,
): { pact: JsonObject; runnable: unknown[]; needsSetup: NeedsSetup[] } {
  const runnable: unknown[] = [];
  const needsSetup: NeedsSetup[] = [];
  for (const interaction of pact.interactions as unknown[]) {
    const states = stateNames(interaction);
    if (states.length === 0 || canSetUp) runnable.push(interaction);
    else needsSetup.push({ pact: file, interaction: descriptionOf(interaction), states });
  }
  return { pact, runnable, needsSetup };
}

/** V3/V4 `providerStates: [{name}]`, V2 `providerState: "..."`. */
function stateNames(interaction: unknown): string[] {
  if (!isObject(interaction)) return [];
  if (Array.isArray(interaction.providerStates)) {
    return interaction.providerStates.flatMap((s: unknown) => (isObject(s) && typeof s.name === "string" ? [s.name] : []));
  }
  return typeof interaction.providerState === "string" ? [interaction.providerState] : [];
}

function descriptionOf(interaction: unknown): string {
  return isObject(interaction) && typeof interaction.description === "string" ? interaction.description : "(no description)";
}

/**
 * pact-js always points the core verifier at its own proxy for state changes, so a provider's own
 * set-up URL is reached by handlers that forward each state change there.
 */
function forwardingHandlers(setupUrl: string | undefined): Record<string, StateSetup> | undefined {
  if (setupUrl === undefined) return undefined;
  const forward =
    (state: string): StateSetup =>
    async (params) => {
      const response = await fetch(setupUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ state, params: params ?? {}, action: "setup" }),
      });
      if (!response.ok) throw new Error(`state set-up "${state}" answered ${response.status}`);
      return undefined;
    };
  return Object.fromEntries(Object.values(STATES).map((state) => [state, forward(state)]));
}
