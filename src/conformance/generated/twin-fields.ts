/**
 * After the generated bodies fail: the probes that make the findings name the bug the same way whatever
 * the seed. Which of name and description a minimal counterexample carries is the seed's choice, so the
 * fields a bug reaches are found by sending the failing value in each field alone. Sent only after a
 * failure: a correct API gets no extra request.
 */
import type { Finding } from "../../findings/finding.js";
import type { CheckContext } from "../context.js";
import { judgeBody, judgeStatus, observe } from "./observation.js";
import { judge } from "./oracle.js";
import { trialOf } from "./plan.js";

/** A refused body the server answered with a 2xx: what such a finding's class says (observation.ts `answeredClass`). */
const TAKEN = /^a body the rules refuse \((\/(?:name|description)) [^)]*\), answered 2/;

/**
 * A counterexample that breaks a rule in both name and description (`{ name: null, description: 7 }`) and
 * was taken: which of them the server let through is not known, and the class would name whichever sorts
 * first. Each field is sent alone, and what the server takes alone is reported in place of the pair,
 * the same finding as the seeds whose counterexample carried that field only. When neither is taken alone,
 * the pair's own finding stands.
 */
export async function fieldByField(ctx: CheckContext, failing: unknown, shown: readonly Finding[]): Promise<Finding[]> {
  const body = failing as Record<string, unknown> | null;
  const taken = shown.filter((f) => TAKEN.test(f.inputClass ?? ""));
  if (taken.length === 0 || typeof body !== "object" || body === null) return [...shown];
  const before = { id: "", name: "", status: "active", referral_code: "" } as const;
  const refusedAlone = Object.keys(TWIN).filter(
    (field) => field in body && !judge({ [field]: body[field] }, before, ctx.services.validators).accept,
  );
  if (refusedAlone.length < 2) return [...shown];
  const alone: Finding[] = [];
  for (const field of refusedAlone) {
    const probe = { [field]: body[field] };
    const trial = trialOf(ctx);
    try {
      // The status alone: the org may be unreadable already (the pair stored a null name), and a refused body changes nothing to compare.
      judgeStatus(trial, await trial.patch(trial.orgId, { json: probe }), judge(probe, before, ctx.services.validators));
    } finally {
      ctx.requests += trial.requests;
    }
    alone.push(...trial.findings.filter((f) => TAKEN.test(f.inputClass ?? "")));
  }
  return alone.length === 0 ? [...shown] : [...shown.filter((f) => !taken.includes(f)), ...alone];
}

/** The two text fields, each the other's twin: the generated bodies draw both from the same characters. */
const TWIN: Record<string, string> = { name: "description", description: "name" };

/**
 * Which of name and description a minimal counterexample changes depends on the seed; a server that
 * mangles some text (normalises, escapes, answers stale) or takes a wrong value (null) usually does so in
 * both. So each text the failure shows mangled, and each refused value the server took, is sent once more
 * in the twin field alone, and the findings name every field the bug reaches, the same with every seed
 * that finds it. Sent only after a failure: a correct API gets no extra request.
 */
export async function otherTextField(ctx: CheckContext, failing: unknown, shown: readonly Finding[]): Promise<Finding[]> {
  const body = failing as Record<string, unknown> | null;
  if (typeof body !== "object" || body === null) return [];
  // A text refused or mangled in its field: named by a finding at that field, or, for a wrong status, the one text field the body carried.
  const texts = Object.keys(TWIN).filter((field) => typeof body[field] === "string");
  const wrongStatus = shown.some((f) => f.inputClass?.startsWith("a body the rules accept, answered")) && texts.length === 1 ? texts : [];
  const mangled = new Set([
    ...shown.filter((f) => f.inputClass?.includes("carrying the field")).map((f) => f.pointer.slice(1)),
    ...wrongStatus,
  ]);
  // A value the rules refuse in a field (a null name) that the server took: the same value in the twin field.
  const taken = new Set(
    shown.flatMap((f) => /^a body the rules refuse \(\/(name|description) [^)]*\), answered 2/.exec(f.inputClass ?? "")?.[1] ?? []),
  );
  const found: Finding[] = [];
  for (const field of Object.keys(TWIN)) {
    const twin = TWIN[field] as string;
    const wrong = taken.has(field) && !taken.has(twin) ? { [twin]: body[field] } : undefined;
    const text = mangled.has(field) && !mangled.has(twin) && typeof body[field] === "string";
    if (wrong === undefined && !text) continue;
    const probe = wrong ?? twinProbe(ctx, twin, body[field] as string);
    const trial = trialOf(ctx);
    try {
      judgeBody(trial, probe, await observe(trial, probe), ctx.services.validators);
    } finally {
      ctx.requests += trial.requests;
    }
    found.push(...trial.findings);
  }
  return found;
}

/**
 * The failing text in the twin field; when the rules refuse it there (an empty name, a 150-character
 * name), a plain text instead: a bug that mangles any change (a stale answer) still shows, and one that
 * mangles only some text (normalising it) does not, the same with every seed.
 */
function twinProbe(ctx: CheckContext, twin: string, text: string): Record<string, string> {
  const same = { [twin]: text };
  const before = { id: "", name: "", status: "active", referral_code: "" } as const;
  if (judge(same, before, ctx.services.validators).accept) return same;
  return { [twin]: `conformance: ${twin} probe after a failing generated body` };
}
