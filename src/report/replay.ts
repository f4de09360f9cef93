/** The command that runs the suite again the same way (same generated bodies), for every report. */
import type { RunResult } from "../conformance/runner.js";
import { CONFORMANCE_COMMAND } from "../launch.js";

export function replayCommand(result: Pick<RunResult, "generated" | "target" | "selection">): string {
  const readOnly = result.target.writes || result.target.embedded ? "" : " --read-only";
  const { seed, runs, modelSequences, generatedBodies } = result.generated;
  // Set when a count was pinned or cut by its latency budget: the replay pins it.
  const bodies = generatedBodies === undefined ? "" : ` --generated-bodies ${generatedBodies}`;
  const sequences = modelSequences === undefined ? "" : ` --model-sequences ${modelSequences}`;
  // Check ids are [a-z0-9-], so the selection needs no shell quoting.
  const selected = result.selection ? ` ${result.selection.args.join(" ")}` : "";
  return `${CONFORMANCE_COMMAND} --seed ${seed} --runs ${runs}${bodies}${sequences}${readOnly}${selected}`;
}
