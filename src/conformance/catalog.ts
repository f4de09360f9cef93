/** Every check of the suite, in run order: reads first (concurrently), then writes (in order), then the invariants. */
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

export const catalog: readonly Check[] = [
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
