/**
 * What a command gets from its process, so tests run it in process with their own writers: every
 * command is `run(argv, env, io)` and resolves to its exit code. Only src/cli/main.ts touches
 * `process` for these (exit code, streams, working directory).
 */
export interface Writer {
  write(text: string): unknown;
}

export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `tick` every `ms` until the returned stop function is called; never keeps the process alive. */
  every(ms: number, tick: () => void): () => void;
}

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  /** The directory relative paths and `.env` are read from. */
  cwd: string;
  /** stdout is a terminal: progress is one line redrawn in place rather than a line now and then. */
  isTTY: boolean;
  /** Time for the progress line; tests pass a fake one and never wait on the wall clock. */
  clock?: Clock;
  /** Aborting it stops a command that runs until stopped (the provider); tests use it in place of Ctrl-C. */
  stop?: AbortSignal;
}

export type Command = (argv: string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number>;

export const systemClock: Clock = {
  now: () => performance.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * A stream of the process whose reader may go away (`npm run conformance | head -1`): the first error
 * (EPIPE) is caught, not thrown, and later writes are dropped, so the run still restores the org,
 * writes its reports and exits with its own code.
 */
export function dropWritesOnceClosed(stream: NodeJS.WritableStream & { destroyed?: boolean }): Writer {
  let closed = false;
  stream.on("error", () => {
    closed = true;
  });
  return { write: (text: string) => (closed || stream.destroyed === true ? false : stream.write(text)) };
}

/**
 * Resolves once all that was written to `stream` has been handed to the OS, or at once when the
 * stream is gone. A pipe whose reader is slow (`| (sleep 2; cat)`) holds what does not fit its
 * buffer in the process; exiting before that is out would cut the summary and lose the Verdict line.
 */
export function flushed(stream: NodeJS.WritableStream & { destroyed?: boolean; writableLength?: number }): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed === true || !stream.writableLength) return resolve();
    // Writes complete in order: the callback of an empty write runs once everything before it is out.
    stream.write("", () => resolve());
  });
}

/** The io of the running process. */
export function processIo(): CliIo {
  return {
    stdout: dropWritesOnceClosed(process.stdout),
    stderr: dropWritesOnceClosed(process.stderr),
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    clock: systemClock,
  };
}
