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

/** The io of the running process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    clock: systemClock,
  };
}
