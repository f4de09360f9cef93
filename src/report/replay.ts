/** The command that runs the suite again the same way (same generated bodies), for every report. */
import type { RunResult } from "../conformance/runner.js";

/** Run from the installed package (dist/), the replay is the package's bin; from the repository, its npm script. */
const LAUNCH = /\/dist\/report\/replay\.js$/.test(import.meta.url) ? "npx tenant-api-conformance conformance" : "npm run conformance --";

export function replayCommand(result: Pick<RunResult, "generated" | "target">): string {
  const readOnly = result.target.writes || result.target.embedded ? "" : " --read-only";
  return `${LAUNCH} --seed ${result.generated.seed} --runs ${result.generated.runs}${readOnly}`;
}
