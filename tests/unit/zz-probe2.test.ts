import { it } from "vitest";
import { faults } from "../support/fault-gallery.js";
import { findingCodes, runAgainst } from "../support/run-against.js";
const names = ["an empty name is accepted", "organization status is outside the enum", "a null name is accepted", "zero-width and bidi control characters are stripped", "responses are labelled text/plain", "names up to 255 characters are accepted"];
it("probe", async () => {
  for (const f of faults.filter((f) => names.includes(f.name))) {
    const r = await runAgainst(f.options, f.timeoutMs);
    console.log(f.name, "|", [...findingCodes(r)].sort().join(" "));
  }
}, 600000);
