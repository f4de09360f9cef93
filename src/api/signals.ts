/**
 * The process's SIGINT and SIGTERM while `runConformance()` runs: a script awaiting it is killed by
 * Ctrl-C or CI's SIGTERM unless someone listens, which would leave the org changed with its journal
 * and lock behind. The first one stops the run (it restores the org, writes its reports and resolves
 * with exit 2 or 3); later ones are ignored, so the restore is not cut short; SIGKILL still ends it.
 * The handlers are removed when the run ends, giving the script back its own disposition.
 */
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Aborts `stop` on the caller's signal, and on SIGINT or SIGTERM when `processSignals`; returns the undo. */
export function stopOn(stop: AbortController, signal: AbortSignal | undefined, processSignals: boolean): () => void {
  const onCaller = () => stop.abort(typeof signal?.reason === "string" ? signal.reason : "AbortSignal");
  if (signal?.aborted) onCaller();
  signal?.addEventListener("abort", onCaller, { once: true });
  const onSignal = (name: NodeJS.Signals) => {
    if (!stop.signal.aborted) stop.abort(name);
  };
  if (processSignals) for (const name of SIGNALS) process.on(name, onSignal);
  return () => {
    signal?.removeEventListener("abort", onCaller);
    for (const name of SIGNALS) process.off(name, onSignal);
  };
}
