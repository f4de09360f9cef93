/**
 * Proof for the model-based run (src/conformance/model/): the correct provider passes it with every
 * persona, each provider of tests/support/sequence-faults.ts fails it with a replayable sequence,
 * and the checks that look at one call at a time pass those providers.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/conformance/catalog.js";
import { GENERATED_CHECK_ID } from "../../src/conformance/generated/check.js";
import { MIN_BUDGET_SEQUENCES, MODEL_CHECK_ID, modelBasedCheck } from "../../src/conformance/model/check.js";
import type { RunResult } from "../../src/conformance/runner.js";
import { renderFinding } from "../../src/findings/finding.js";
import type { HttpRequest } from "../../src/http/transport.js";
import type { ProviderOptions } from "../../src/provider/server.js";
import { legitimateVariants } from "../support/fault-gallery.js";
import { GALLERY_SEED } from "../support/run-against.js";
import { cutThenReplayed, run } from "../support/run-with-personas.js";
import { sequenceFaults } from "../support/sequence-faults.js";

const findingsOf = (result: RunResult) => result.checks.flatMap((check) => check.findings);

describe("the model-based run", () => {
  it("passes the reference provider with every persona, and notes its seed and size", async () => {
    const result = await run({}, [modelBasedCheck]);
    expect(findingsOf(result).map(renderFinding)).toEqual([]);
    const model = result.checks.find((check) => check.id === MODEL_CHECK_ID);
    expect(model?.outcome).toBe("pass");
    expect(model?.notes?.join(" ")).toMatch(
      /10 sequences of .* seed 20261129 \(replay: npm run conformance -- --seed 20261129 --runs 100\)/,
    );
  });

  it.each(sequenceFaults.map((fault) => [fault.name, fault] as const))(
    "catches a provider where %s with the budget's fewest sequences (what a slow API gets)",
    async (_name, fault) => {
      const generated = { seed: GALLERY_SEED, runs: 100, modelSequences: MIN_BUDGET_SEQUENCES };
      const result = await run(fault.options, [modelBasedCheck], { generated });
      expect(findingsOf(result).map((f) => f.code)).toEqual([MODEL_CHECK_ID]);
    },
  );

  it("sends fewer sequences to a slow API, prints the count, and that count with the seed replays the same requests", async () => {
    const { cut, note, slow, fast } = await cutThenReplayed(modelBasedCheck);
    const [, count, pinned] = /(\d+) sequences \(of 10: cut to the latency budget.*--model-sequences (\d+)\)$/.exec(note) ?? [];
    expect(Number(count)).toBeLessThan(10);
    expect(pinned).toBe(count);
    expect(cut.generated).toEqual({ seed: GALLERY_SEED, runs: 100, modelSequences: Number(count) });
    // The replay, on a fast target: the same requests.
    expect(fast).toEqual(slow);
  });

  it.each(sequenceFaults.map((fault) => [fault.name, fault] as const))("catches a provider where %s", async (_name, fault) => {
    const result = await run(fault.options, [modelBasedCheck]);
    const found = findingsOf(result);
    expect(found.map((f) => f.code)).toEqual([MODEL_CHECK_ID]);
    // The finding carries the shrunk sequence as requests to replay: method, path, persona, body.
    const sequence = JSON.parse(/\(seed 20261129; replay in order\): (\[.*\])$/.exec(found[0]?.actual ?? "")?.[1] ?? "null") as {
      persona: string;
    }[];
    expect(sequence.length).toBeGreaterThan(1);
    expect(sequence[0]).toEqual({ method: "GET", persona: "owner", path: expect.stringMatching(/^\/api\/v1\/orgs\//) });
    expect(JSON.stringify(found)).not.toMatch(/nc-at-/);
  });

  it.each(sequenceFaults.filter((fault) => !fault.alsoPersonaWrites).map((fault) => [fault.name, fault] as const))(
    "needs sequences to catch a provider where %s: the checks of single calls pass it",
    async (_name, fault) => {
      // The generated bodies are one PATCH and its GETs at a time, but against one org in a row, so a
      // fault that carries state from PATCH to PATCH (and is declared so) may trip them too.
      const others = new Set([MODEL_CHECK_ID, ...(fault.alsoGenerated ? [GENERATED_CHECK_ID] : [])]);
      // The invariants (phase "final") compare answers across calls and callers by design: not single calls.
      const singleCall = catalog.filter((check) => !others.has(check.id) && check.phase !== "final");
      const result = await run(fault.options, singleCall, { admin: false });
      expect(findingsOf(result).map(renderFinding)).toEqual([]);
    },
  );

  it.each(legitimateVariants.map((variant) => [variant.name, variant] as const))(
    "passes a provider where %s (a freedom of the docs), with every persona",
    async (_name, variant) => {
      const result = await run(variant.options, [modelBasedCheck]);
      expect(findingsOf(result).map(renderFinding)).toEqual([]);
    },
  );

  it("starts no request but the restore once the run is interrupted in the middle of a sequence", async () => {
    const controller = new AbortController();
    // Counted when sent, not when they arrive: reads (and refused PATCHes) of a sequence are in flight together,
    // so one sent just before the signal may arrive after it.
    const sent: string[] = [];
    // The signal comes with the second request to arrive after an applied PATCH: mid-sequence, the org changed.
    let afterApplied = 0;
    let applied = false;
    const options: ProviderOptions = {
      intercept(request, response) {
        if (applied && ++afterApplied === 2) controller.abort("SIGINT");
        if (request.method === "PATCH") response.on("finish", () => (applied ||= response.statusCode === 200));
        return false;
      },
    };
    const onSend = (request: HttpRequest) => sent.push(`${request.method} ${controller.signal.aborted ? "after" : "before"}`);
    const result = await run(options, [modelBasedCheck], { signal: controller.signal, onSend });
    // The restore: a GET, the PATCH putting the original back, and the GET verifying it.
    expect(sent.filter((request) => request.endsWith("after"))).toEqual(["GET after", "PATCH after", "GET after"]);
    expect(result.interrupted).toBe("SIGINT");
    expect(result.checks.find((check) => check.id === MODEL_CHECK_ID)?.outcome).toBe("skip");
    expect(result.restore?.verified).toBe(true);
  });
});
