/**
 * The pacer on a fake clock: when requests may leave, by requests in flight and by rate. The times
 * here are the fake clock's, never the wall clock's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Pacer, type PacerTicket } from "../../src/http/pacer.js";
import { rateLimitHint } from "../../src/http/rate-limit-headers.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const served = { refused: false } as const;
const refused = { refused: true, status: 429 } as const;

describe("the pacer", () => {
  it("lets everything through until a refusal, then halves what is in flight, once per round", async () => {
    const pacer = new Pacer();
    const rounds = await Promise.all(Array.from({ length: 8 }, () => pacer.acquire()));
    expect(rounds.map((t) => t.round)).toEqual(Array(8).fill(0));
    pacer.release({ round: 0 }, refused); // 8 in flight: the limit becomes 4
    pacer.release({ round: 0 }, refused); // sent under the old limit: says nothing about the new one
    expect(pacer.summary()).toMatchObject({ responses429: 2, unresolved: 0, inFlightAtFirst: 8, concurrency: 4 });
    for (let i = 0; i < 6; i += 1) pacer.release({ round: 0 }, served);
    const held = await Promise.all(Array.from({ length: 4 }, () => pacer.acquire()));
    let fifthStarted = false;
    const fifth = pacer.acquire().then(() => {
      fifthStarted = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(fifthStarted).toBe(false); // a fifth waits for a slot
    expect(held.map((t) => t.round)).toEqual([1, 1, 1, 1]);
    pacer.release({ round: 1 }, served);
    await fifth;
  });

  it("paces by rate after a refusal: just under what the gateway served, not only by requests in flight", async () => {
    const pacer = new Pacer();
    // A token bucket of burst 10 lets 10 through at once and refuses the 11th.
    const first = await Promise.all(Array.from({ length: 11 }, () => pacer.acquire()));
    for (const ticket of first.slice(0, 10)) pacer.release(ticket, served);
    await vi.advanceTimersByTimeAsync(1_000); // the 11th is refused a second later: 10 served in 1 s
    pacer.release(first[10] as PacerTicket, refused);
    expect(pacer.summary()?.ratePerSecond).toBe(9); // cut to 90% of what was served
    const times = inSequence(pacer, 4);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await times).toEqual([1_000, 1_112, 1_224, 1_336]); // one token at a time, never a burst (ms rounded up)
  });

  it("raises the rate additively while requests wait for tokens, and cuts it again on the next refusal", async () => {
    const pacer = new Pacer();
    const first = await Promise.all(Array.from({ length: 6 }, () => pacer.acquire()));
    for (const ticket of first.slice(0, 5)) pacer.release(ticket, served);
    await vi.advanceTimersByTimeAsync(1_000);
    pacer.release(first[5] as PacerTicket, refused);
    expect(pacer.summary()?.ratePerSecond).toBe(4.5);
    // Two callers, so one always waits for a token while the other's answer comes back.
    const both = Promise.all([inSequence(pacer, 40), inSequence(pacer, 40)]);
    await vi.advanceTimersByTimeAsync(20_000);
    await both;
    const raised = pacer.summary()?.ratePerSecond ?? 0;
    expect(raised).toBeGreaterThan(4.5);
    pacer.release(await pacer.acquire(), refused);
    expect(pacer.summary()?.ratePerSecond).toBeLessThan(raised);
  });

  it("measures a burst served at once over at least a quarter second, not as an endless rate", async () => {
    const pacer = new Pacer();
    const first = await Promise.all(Array.from({ length: 11 }, () => pacer.acquire()));
    for (const ticket of first.slice(0, 10)) pacer.release(ticket, served);
    pacer.release(first[10] as PacerTicket, refused);
    expect(pacer.summary()?.ratePerSecond).toBe(36); // 10 in 250 ms, cut to 90%: later refusals bring it down
  });

  it("holds every request for a Retry-After the transport honours", async () => {
    const pacer = new Pacer();
    pacer.release(await pacer.acquire(), { ...refused, retryAfterMs: 1_000 });
    const times = inSequence(pacer, 2);
    await vi.advanceTimersByTimeAsync(999);
    await vi.advanceTimersByTimeAsync(1);
    expect(await times).toEqual([1_000, 1_000]); // nothing got through before, so no rate was learnt: both go
  });

  it("ignores a quota over a window longer than it would wait (an hourly one), and a reset beyond its bound", async () => {
    const pacer = new Pacer(30_000);
    const hourly = { "ratelimit-policy": "5000;w=3600", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3000" };
    pacer.release(await pacer.acquire(), { ...served, hint: rateLimitHint(hourly) });
    const times = inSequence(pacer, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(await times).toEqual([0, 0, 0]);
  });

  it("stops cutting the rate while the gateway refuses everything (a window used up, a gateway down), so the rate does not sink to one request per 10 s", async () => {
    const pacer = new Pacer();
    const first = await Promise.all(Array.from({ length: 11 }, () => pacer.acquire()));
    for (const ticket of first.slice(0, 10)) pacer.release(ticket, served);
    await vi.advanceTimersByTimeAsync(1_000);
    pacer.release(first[10] as PacerTicket, refused);
    expect(pacer.summary()?.ratePerSecond).toBe(9);
    // Refused again and again, nothing served: cut while answers of the last 2 s say what got through, then held.
    for (let i = 0; i < 20; i += 1) {
      const ticket = pacer.acquire();
      await vi.advanceTimersByTimeAsync(500);
      pacer.release(await ticket, refused);
    }
    const held = pacer.summary()?.ratePerSecond ?? 0;
    expect(held).toBeGreaterThan(1);
    // After an idle spell, a refusal with none before it in the window still cuts.
    await vi.advanceTimersByTimeAsync(5_000);
    pacer.release(await pacer.acquire(), refused);
    expect(pacer.summary()?.ratePerSecond).toBeLessThan(held);
  });

  it("holds nothing for a Retry-After over its bound (the request comes back), and cuts no rate for Retry-After: 0", async () => {
    const pacer = new Pacer(30_000);
    const first = await Promise.all(Array.from({ length: 6 }, () => pacer.acquire()));
    for (const ticket of first.slice(0, 5)) pacer.release(ticket, served);
    pacer.release(first[5] as PacerTicket, { ...refused, retryAfterMs: 0 });
    expect(pacer.summary()?.ratePerSecond).toBeUndefined(); // a concurrency limit, not a rate: only in flight is cut
    pacer.release(await pacer.acquire(), { ...refused, retryAfterMs: 120_000 });
    const times = inSequence(pacer, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(await times).toEqual([0]);
  });

  it("keeps to a quota the server advertises, and waits out a window with nothing left", async () => {
    const pacer = new Pacer();
    pacer.release(await pacer.acquire(), { ...served, hint: rateLimitHint({ "ratelimit-policy": "2;w=1" }) });
    const times = inSequence(pacer, 3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await times).toEqual([0, 500, 1_000]);
    const next = pacer.acquire();
    await vi.advanceTimersByTimeAsync(500);
    pacer.release(await next, { ...served, hint: rateLimitHint({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" }) });
    const after = inSequence(pacer, 1);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(vi.getTimerCount()).toBe(1); // still held
    await vi.advanceTimersByTimeAsync(1);
    expect(await after).toEqual([4_500]);
  });
});

/** One caller sending `count` requests one after another, each answered at once; the fake times they left at. */
async function inSequence(pacer: Pacer, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const ticket = await pacer.acquire();
    times.push(Date.now());
    pacer.release(ticket, served);
  }
  return times;
}

describe("rate-limit headers", () => {
  it.each([
    ["the IETF draft's policy", { "ratelimit-policy": "10;w=1" }, { ratePerSecond: 10, windowMs: 1_000 }],
    ["the newer draft's policy", { "ratelimit-policy": '"default";q=100;w=60' }, { ratePerSecond: 100 / 60, windowMs: 60_000 }],
    ["the draft's combined field, nothing left", { ratelimit: "limit=10, remaining=0, reset=2" }, { exhaustedForMs: 2_000 }],
    ["the newer draft's field", { ratelimit: '"default";r=0;t=5' }, { exhaustedForMs: 5_000 }],
    [
      "X-RateLimit with a delta reset",
      { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "30", "x-ratelimit-reset": "10" },
      { ratePerSecond: 3, windowMs: 10_000 },
    ],
    [
      "X-RateLimit with a Unix-time reset",
      { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(1_000_000_004) },
      { exhaustedForMs: 4_000 },
    ],
    ["nothing from garbage", { "ratelimit-policy": "lots", "x-ratelimit-remaining": "many" }, {}],
    ["nothing from no header", {}, {}],
  ])("%s", (_name, headers: Record<string, string>, hint) => {
    expect(rateLimitHint(headers, 1_000_000_000_000)).toEqual(hint);
  });
});
