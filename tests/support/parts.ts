/**
 * One part of a list of test cases, so that a long, CPU-bound table (the fault gallery, the fingerprints over
 * seeds) is spread over several test files that vitest's workers run side by side. Every item is in exactly
 * one part: item i goes to part (i mod count) + 1, so each part gets a like share of slow and fast cases.
 */
export function part<T>(items: readonly T[], index: number, count: number): T[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new Error(`part ${index} of ${count}: want 1 <= index <= count`);
  }
  return items.filter((_, i) => i % count === index - 1);
}
