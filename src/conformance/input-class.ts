/**
 * Findings that generated input showed (the generated bodies, the model-based run) carry the class of that
 * input, which their fingerprint names instead of the random value (src/findings/fingerprint.ts).
 * CheckContext.fail takes no class, so the findings a judgement adds are marked after it.
 */
import type { Finding } from "../findings/finding.js";
import type { CheckContext } from "./context.js";

/** Runs `judge`, then gives each finding it added `inputClass` (and `extra`, e.g. a reproduction). */
export function classed(ctx: CheckContext, inputClass: string, judge: () => void, extra: Partial<Finding> = {}): void {
  const first = ctx.findings.length;
  judge();
  for (let index = first; index < ctx.findings.length; index += 1) {
    ctx.findings[index] = { ...(ctx.findings[index] as Finding), ...extra, inputClass };
  }
}
