import { describe, expect, it } from "vitest";
import { RateLimitGate } from "../../src/http/rate-limit.js";

describe("the rate-limit gate", () => {
  it("lets everything through until a 429, then halves what is in flight, once per round", async () => {
    const gate = new RateLimitGate();
    const rounds = await Promise.all(Array.from({ length: 8 }, () => gate.acquire()));
    expect(rounds).toEqual(Array(8).fill(0));
    gate.rateLimited(0); // 8 in flight: the limit becomes 4
    gate.rateLimited(0); // sent under the old limit: says nothing about the new one
    expect(gate.summary()).toEqual({ responses429: 2, unresolved: 0, inFlightAtFirst: 8, concurrency: 4 });
    for (let i = 0; i < 8; i += 1) gate.release();
    const held = await Promise.all(Array.from({ length: 4 }, () => gate.acquire()));
    let fifthStarted = false;
    const fifth = gate.acquire().then(() => {
      fifthStarted = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fifthStarted).toBe(false); // a fifth waits for a slot
    expect(held).toEqual([1, 1, 1, 1]);
    gate.release();
    await fifth;
    expect(fifthStarted).toBe(true);
  });

  it("never goes below one in flight", async () => {
    const gate = new RateLimitGate();
    const round = await gate.acquire();
    gate.rateLimited(round);
    gate.release();
    expect(gate.summary()?.concurrency).toBe(1);
    await gate.acquire(); // one still goes
  });
});
