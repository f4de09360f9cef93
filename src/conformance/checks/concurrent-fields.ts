/**
 * Two applied PATCHes in flight at once, one renaming and one editing the description: both must be kept.
 * "If omitted, the existing name is preserved" (and the description's twin sentence) holds for a PATCH
 * whatever else is being written at the time: a server that reads the whole organization, changes one
 * field and writes the whole row back without a lock loses one of the two (a lost update).
 *
 * The one exception to the request plan's "one applied PATCH in flight" (plan.ts): it runs alone among the
 * writes, and only its own two PATCHes overlap. Both write values the restore puts back. With
 * `--concurrency 1` (one request at a time) the two go one after the other and, without a finding, the
 * check is skipped, never passed. Its answers are left out of the invariants (which would otherwise see a
 * different run with and without --concurrency 1); its PATCHes still count as writes there.
 */
import type { Organization } from "../../spec/types.js";
import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import { concurrencyOf, ONE_AT_A_TIME } from "../plan.js";
import { readOrg } from "./patch-support.js";

export const CONCURRENT_FIELDS_CHECK_ID = "patch-concurrent-fields-kept";

const NAME = "Conformance: renamed while the description changes";
const DESCRIPTION = "conformance: written while the name changes";

export const concurrentFieldsCheck: Check = {
  id: CONCURRENT_FIELDS_CHECK_ID,
  title: "Two PATCHes in flight at once, one of the name and one of the description, are both kept",
  operationId: "updateOrganization",
  phase: "write",
  requires: ["org", "writes"],
  inFlight: 2,
  async run(ctx) {
    const { observations } = ctx.services;
    await (observations ? observations.unrecorded(() => renameAndDescribe(ctx)) : renameAndDescribe(ctx));
  },
};

async function renameAndDescribe(ctx: CheckContext): Promise<void> {
  const rename = () => ctx.patch(ctx.orgId, { json: { name: NAME } });
  const describe = () => ctx.patch(ctx.orgId, { json: { description: DESCRIPTION } });
  // One request at a time, the same two writes go one after the other: the org ends as it would with the
  // plan (so later checks see the same state), but nothing raced, so without a finding this is skipped.
  const together = concurrencyOf(ctx.services) >= 2;
  if (!together) ctx.couldNotJudge(`${ONE_AT_A_TIME}: the two PATCHes went one after the other, so no update could be lost`);
  const before = await readOrg(ctx);
  const [renamed, described] = together ? await Promise.all([rename(), describe()]) : [await rename(), await describe()];
  const renamedOk = ctx.expectStatus(renamed, [200]) && ctx.usable(renamed);
  const describedOk = ctx.expectStatus(described, [200]) && ctx.usable(described);
  if (!renamedOk || !describedOk || before === undefined) return;
  // Each answer may show the field it did not send as it was or as the other PATCH set it; anything else is a
  // single PATCH dropping an omitted field (patch-*-only-keeps-*'s rule), which no race explains.
  const omittedShown = [
    [(renamed.body as Organization).description, before.description, DESCRIPTION],
    [(described.body as Organization).name, before.name, NAME],
  ];
  if (omittedShown.some(([shown, was, other]) => shown !== was && shown !== other)) {
    return ctx.couldNotJudge("a single PATCH changed a field it did not carry, which is the only-keeps rules' finding, not a race");
  }
  const after = await readOrg(ctx);
  if (after === undefined) return ctx.couldNotJudge("the organization could not be read after the two PATCHes");
  const both = "in a GET after both PATCHes (name and description in flight at once): ";
  ctx.expectValue(renamed, "/name", after.name, NAME, both);
  ctx.expectValue(described, "/description", after.description, DESCRIPTION, both);
}
