/**
 * The launcher owns SIGINT, SIGTERM and SIGHUP for the command it runs: the first one aborts the
 * command's `io.stop`, and a command that watches it (the gate restores the org, the provider closes)
 * decides when the process ends. A command that does not watch it ends by the signal as if no handler
 * were installed. Further signals do not cut short what the first one started (npm relays Ctrl-C to
 * the run a second time; a run that is restoring an org must not die half-way); SIGKILL still does.
 */
import { getEventListeners } from "node:events";

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Installs the handlers; `say` prints one line (the launcher's stderr). */
export function ownSignals(name: string, say: (line: string) => void): AbortSignal {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`${name}: ${signal} again: still stopping after ${String(stop.signal.reason)} (SIGKILL ends it at once, without clean-up)`);
      return;
    }
    if (getEventListeners(stop.signal, "abort").length === 0) {
      // Nothing of the command is listening: behave as the default disposition would.
      for (const each of STOP_SIGNALS) process.off(each, onSignal);
      process.kill(process.pid, signal);
      return;
    }
    stop.abort(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // A closed terminal (SIGHUP) or pipe makes writes fail with EIO or EPIPE; an unhandled stream error
  // would end the process before the command has cleaned up (an org left changed), so it is dropped.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  return stop.signal;
}
