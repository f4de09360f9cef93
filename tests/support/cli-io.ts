/** An io for running a command in process: stdout and stderr are kept as text, the clock is fake. */
import type { CliIo, Clock } from "../../src/cli/io.js";

export interface MemoryIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** A clock that moves `stepMs` forward on every reading and whose timers never fire on their own. */
export function steppingClock(stepMs: number): Clock {
  let now = 0;
  return {
    now: () => {
      now += stepMs;
      return now;
    },
    every: () => () => {},
  };
}

export function memoryIo(options: Partial<CliIo> = {}): MemoryIo {
  let out = "";
  let err = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd: process.cwd(),
    isTTY: false,
    clock: steppingClock(0),
    ...options,
  };
  return { io, stdout: () => out, stderr: () => err };
}
