import { it } from "vitest";
import { faults } from "../support/fault-gallery.js";
import { runAgainst } from "../support/run-against.js";

it("probe", async () => {
  const out: string[] = [];
  for (const fault of faults) {
    const r = await runAgainst(fault.options, fault.timeoutMs);
    const byCode = new Map<string, Set<string>>();
    for (const c of r.checks)
      for (const f of c.findings) {
        const s = byCode.get(f.code) ?? new Set();
        s.add(c.id);
        byCode.set(f.code, s);
      }
    const got = [...byCode.keys()].sort();
    const want = [...new Set(fault.expect)].sort();
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`${fault.name}\n  want ${want}\n  got ${[...byCode].map(([k, v]) => `${k}<-${[...v].slice(0, 4)}`).join(" | ")}`);
  }
  console.log(out.join("\n"));
}, 600000);
