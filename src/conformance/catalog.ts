/**
 * Every check of the suite, in run order: reads first (concurrently), then writes (in order), then the
 * invariants. Among the writes, the refusal checks come first: consecutive ones are one batch of the
 * request plan (plan.ts), so keeping them together saves the reads that open and close each batch.
 */
import type { Check } from "./check.js";
import { authChecks } from "./checks/auth.js";
import { concurrentFieldsCheck } from "./checks/concurrent-fields.js";
import { fieldPermissionChecks } from "./checks/field-permissions.js";
import { patchPermissionChecks } from "./checks/patch-permission.js";
import { patchRuleChecks } from "./checks/patch-rules.js";
import { personaChecks } from "./checks/personas.js";
import { readChecks } from "./checks/read.js";
import { readAsMemberChecks } from "./checks/read-as-member.js";
import { generatedBodiesCheck } from "./generated/check.js";
import { invariantChecks } from "./invariants/checks.js";
import { modelBasedCheck } from "./model/check.js";

const inDeclaredOrder: readonly Check[] = [
  ...readChecks,
  ...readAsMemberChecks,
  ...authChecks,
  ...patchPermissionChecks,
  ...patchRuleChecks,
  generatedBodiesCheck,
  modelBasedCheck,
  ...personaChecks,
  ...fieldPermissionChecks,
  concurrentFieldsCheck,
  ...invariantChecks,
];

const where = (phase: Check["phase"], refusedOnly?: boolean) =>
  inDeclaredOrder.filter((check) => check.phase === phase && (refusedOnly === undefined || (check.refusedOnly === true) === refusedOnly));

/**
 * The refusal checks in the order the batch sends their probes (plan.ts): first those carrying the org's
 * own name or naming another org (auth, permission, the outsider), then the bodies the rules refuse, and
 * last the probe a correct API may apply. Run one at a time, they go in that same order, so a server whose
 * answers depend on the order of requests answers alike either way.
 */
const bodyRules = new Set<Check>(patchRuleChecks);
const sendOrder = (check: Check) => (check.mayBeApplied ? 2 : bodyRules.has(check) ? 1 : 0);
const refusals = [...where("write", true)].sort((a, b) => sendOrder(a) - sendOrder(b));

export const catalog: readonly Check[] = [...where("read"), ...refusals, ...where("write", false), ...where("final")];
