/**
 * Prompt interruption: once the run's signal is aborted (SIGINT, SIGTERM), no new request starts.
 * Every request a check sends goes through CheckContext, which throws Interrupted instead; the runner
 * marks that check interrupted, and the restore (sent straight through the transport) still runs.
 */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted("the run was interrupted");
}

/** What interrupted the run, for the reports ("SIGINT"); undefined when it was not interrupted. */
export function interruptionOf(signal: AbortSignal | undefined): string | undefined {
  if (!signal?.aborted) return undefined;
  return typeof signal.reason === "string" ? signal.reason : "interrupted";
}
