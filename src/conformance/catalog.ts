/**
 * Every check of the suite, in run order: reads first (concurrently), then writes (in order), then the
 * invariants. Among the writes, the refusal checks come first: consecutive ones are one batch of the
 * request plan (plan.ts), so keeping them together saves the reads that open and close each batch.
 */
import type { Check } from "./check.js";
import { authChecks } from "./checks/auth.js";
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
  ...invariantChecks,
];

const where = (phase: Check["phase"], refusedOnly?: boolean) =>
  inDeclaredOrder.filter((check) => check.phase === phase && (refusedOnly === undefined || (check.refusedOnly === true) === refusedOnly));

export const catalog: readonly Check[] = [...where("read"), ...where("write", true), ...where("write", false), ...where("final")];
