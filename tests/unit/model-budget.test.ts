/**
 * The model-based run's latency budget (src/conformance/model/check.ts): a slow API gets fewer
 * sequences, never fewer than the floor, and never fewer on a fast one; `--model-sequences` pins the
 * count, and the replay line carries it so the seed replays the run exactly.
 */
import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/settings.js";
import { MIN_BUDGET_SEQUENCES, sequenceCount } from "../../src/conformance/model/check.js";
import { LatencyLog } from "../../src/findings/latency.js";
import { replayCommand } from "../../src/report/replay.js";

const target = { baseUrl: "https://api.example/tenant", writes: true, embedded: false };

describe("the model-based run's sequence count", () => {
  it("is --runs / 10 on a fast API, whatever its latency up to 45 ms (the run at 0 ms is never cut)", () => {
    for (const latencyMs of [undefined, 0, 0.4, 5, 20, 45]) {
      expect(sequenceCount({ seed: 1, runs: 100 }, latencyMs)).toEqual({ sequences: 10, cut: false });
    }
    expect(sequenceCount({ seed: 1, runs: 250 }, 1)).toEqual({ sequences: 25, cut: false });
  });

  it("is cut to the budget on a slow API: 9 at 50 ms, 3 at 150 ms", () => {
    expect(sequenceCount({ seed: 1, runs: 100 }, 50)).toEqual({ sequences: 9, cut: true });
    expect(sequenceCount({ seed: 1, runs: 100 }, 150)).toEqual({ sequences: 3, cut: true });
  });

  it("never goes below the floor, however slow the API", () => {
    expect(sequenceCount({ seed: 1, runs: 100 }, 2_000)).toEqual({ sequences: MIN_BUDGET_SEQUENCES, cut: true });
    // Fewer asked for than the floor: fewer sent, and nothing was cut.
    expect(sequenceCount({ seed: 1, runs: 20 }, 2_000)).toEqual({ sequences: 2, cut: false });
  });

  it("is what --model-sequences pins, at any latency", () => {
    expect(sequenceCount({ seed: 1, runs: 100, modelSequences: 7 }, 150)).toEqual({ sequences: 7, cut: false });
    expect(sequenceCount({ seed: 1, runs: 100, modelSequences: 0 }, 0)).toEqual({ sequences: 0, cut: false });
  });

  it("reads the latency as the fastest answer so far", () => {
    const log = new LatencyLog();
    expect(log.fastest()).toBeUndefined();
    for (const ms of [150, 152, 900]) log.record("getOrganization", ms);
    log.record("updateOrganization", 149);
    expect(log.fastest()).toBe(149);
  });
});

describe("the replay line", () => {
  it("pins the model run's count when it was cut or pinned, and only then", () => {
    expect(replayCommand({ target, generated: { seed: 42, runs: 100 } })).toBe("npm run conformance -- --seed 42 --runs 100");
    expect(replayCommand({ target, generated: { seed: 42, runs: 100, modelSequences: 3 } })).toBe(
      "npm run conformance -- --seed 42 --runs 100 --model-sequences 3",
    );
  });

  it("comes from --model-sequences, a non-negative integer", () => {
    expect(parseSettings(["--model-sequences", "3"], {}).modelSequences).toBe(3);
    expect(parseSettings([], {}).modelSequences).toBeUndefined();
    expect(() => parseSettings(["--model-sequences", "-1"], {})).toThrow(/--model-sequences/);
  });
});
