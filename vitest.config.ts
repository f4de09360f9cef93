import { defineConfig } from "vitest/config";

/**
 * One vitest project per kind of test, each with its own pool settings. `npm test` runs them all.
 * - unit: pure functions and in-process servers; parallel.
 * - contract: pact consumer tests; one fork, no concurrency on the mock server.
 * - provider: pact verification of the committed contracts/ against the reference provider. It never
 *   reads what the contract project produces, so the two projects may run in any order; its files run side
 *   by side (each verifies against its own providers on free ports), not one after another at the end.
 * - conformance: the live suite run against the reference provider and the fault gallery.
 */
export default defineConfig({
  test: {
    // Vitest's default on 2 cores is one worker: every file in turn. Most files wait (child processes, servers,
    // gateways that delay); the CPU-bound ones (the fault gallery, the fingerprints over seeds) are in parts.
    // Four files at a time keep both cores busy. Measured in docs/speed.md ("The test command").
    maxWorkers: 4,
    projects: [
      // A few unit tests run the whole catalog in process; on a loaded 2-core machine they need more than 5 s.
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"], pool: "threads", testTimeout: 30_000 } },
      {
        test: {
          name: "contract",
          include: ["tests/contract/**/*.test.ts"],
          pool: "forks",
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
      {
        test: {
          name: "provider",
          include: ["tests/provider/**/*.test.ts"],
          pool: "forks",
        },
      },
      {
        test: {
          name: "conformance",
          include: ["tests/conformance/**/*.test.ts"],
          pool: "forks",
          testTimeout: 60_000,
        },
      },
    ],
  },
});
