import { targetFromProvider } from "../src/conformance/prepare.js";
import { runChecks } from "../src/conformance/runner.js";
import { HttpTransport } from "../src/http/transport.js";
import { BASE_PATH, startProvider } from "../src/provider/server.js";
import { specValidators } from "../src/validation/validators.js";
import { startDelayingProxy } from "./delaying-proxy.js";

const latency = Number(process.argv[2] ?? 150);
const provider = await startProvider();
const proxy = await startDelayingProxy(new URL(provider.baseUrl).origin, latency);
const baseUrl = `${proxy.origin}${BASE_PATH}`;
const transport = new HttpTransport({ baseUrl, timeoutMs: 20000 });
const validators = specValidators();
const t0 = performance.now();
const result = await runChecks({
  target: { ...targetFromProvider(provider), baseUrl, embedded: false },
  transport,
  validators,
  spec: validators.spec,
  generated: { seed: 20261129, runs: 100 },
});
const log = [...proxy.log].sort((a, b) => a.startMs - b.startMs);
let prevEnd = t0;
let gaps = 0;
for (const e of log) {
  const gap = e.startMs - prevEnd;
  if (gap > 0) gaps += gap;
  prevEnd = Math.max(prevEnd, e.endMs);
}
console.log("wall", (performance.now() - t0).toFixed(0), "idle gaps (no request in flight)", gaps.toFixed(0), "requests", log.length);
for (const c of result.checks) if (c.durationMs > 300) console.log(c.id, c.durationMs.toFixed(0), c.requests);
await transport.close();
await proxy.close();
await provider.close();
