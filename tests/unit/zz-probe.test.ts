import { it } from "vitest";
import { faults, legitimateVariants } from "../support/fault-gallery.js";
import { findingCodes, runAgainst } from "../support/run-against.js";
const mine = process.env.PROBE_ALL ? faults : faults.slice(faults.findIndex((f) => f.name.startsWith("an admin who")), -1);
it("probe", async () => {
  for (const f of mine) {
    const r = await runAgainst(f.options, f.timeoutMs);
    const codes = [...findingCodes(r)].sort();
    const exp = [...f.expect].sort();
    const extra = codes.filter((c) => !exp.includes(c));
    const missing = exp.filter((c) => !codes.includes(c));
    if (extra.length || missing.length || !process.env.PROBE_ALL) console.log(f.name, "| extra:", extra.join(" "), "| missing:", missing.join(" "));
  }
  for (const v of legitimateVariants) {
    const r = await runAgainst(v.options);
    const codes = [...findingCodes(r)];
    if (codes.length) console.log("LEGIT FAILS", v.name, codes);
  }
}, 600000);
