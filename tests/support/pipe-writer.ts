/**
 * A process that writes as the launcher does (src/cli/main.ts: the process io, then drain, then
 * exit): `BYTES` bytes of lines, then a last line `Verdict: done`, and exit code 7. Tests read its
 * stdout slowly or close it early.
 */
import { flushed, processIo } from "../../src/cli/io.js";

const io = processIo();
const line = `${"x".repeat(1023)}\n`;
const lines = Number(process.env.BYTES ?? 0) / line.length;
for (let i = 0; i < lines; i += 1) {
  io.stdout.write(line);
  // A pause now and then, as a run writes its progress: writes go on after a reader has gone.
  if (i % 64 === 63) await new Promise((resolve) => setTimeout(resolve, 2));
}
io.stdout.write("Verdict: done\n");
io.stderr.write("finished writing\n");
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(7);
