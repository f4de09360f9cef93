import { describe, expect, it } from "vitest";
import type { Observed } from "../../src/conformance/context.js";
import { Observations, orgsShown } from "../../src/conformance/invariants/observations.js";

const tokens = { owner: "tok-owner", member: "tok-member", inferenceKey: "sk-nc-x" };
const answer = (status: number, body: unknown): Observed =>
  ({ operationId: "getOrganization", exchange: {} as Observed["exchange"], status, body, clean: true }) as Observed;

describe("observations: every answer, by persona and data version", () => {
  it("names the persona whose token the request carried, and none for any other header", () => {
    const observations = new Observations(tokens);
    const asMember = observations.begin({
      operationId: "getOrganization",
      orgId: "o1",
      authorization: "Bearer tok-member",
      isPatch: false,
    });
    const junk = observations.begin({
      operationId: "getOrganization",
      orgId: "o1",
      authorization: "Bearer tok-member junk",
      isPatch: false,
    });
    expect([asMember.persona, junk.persona]).toEqual(["member", undefined]);
  });

  it("gives a read the version it started in, and marks it unstable when a PATCH overlapped it", () => {
    const observations = new Observations(tokens);
    const get = { operationId: "getOrganization" as const, orgId: "o1", authorization: "Bearer tok-owner", isPatch: false };
    const before = observations.begin(get);
    observations.end(before, answer(200, { id: "o1" }));
    const overlapping = observations.begin(get);
    const patch = observations.begin({ ...get, operationId: "updateOrganization", isPatch: true });
    const duringPatch = observations.begin(get);
    observations.end(patch, answer(200, { id: "o1" }));
    observations.end(overlapping, answer(200, { id: "o1" }));
    observations.end(duringPatch, answer(200, { id: "o1" }));
    const after = observations.begin(get);
    observations.end(after, answer(200, { id: "o1" }));
    observations.externalWrite();
    const afterRestore = observations.begin(get);
    observations.end(afterRestore, answer(200, { id: "o1" }));
    expect(observations.all.map((o) => [o.operationId, o.version, o.stable])).toEqual([
      ["getOrganization", 0, true],
      ["updateOrganization", 1, true],
      ["getOrganization", 0, false],
      ["getOrganization", 1, false],
      ["getOrganization", 1, true],
      ["getOrganization", 2, true],
    ]);
  });

  it("shows the orgs of a 200: a list's items or the one org", () => {
    const list = { ...answer(200, { data: [{ id: "a" }, { id: "b" }, 7] }), operationId: "listUserOrganizations" as const };
    expect(orgsShown({ observed: list, operationId: "listUserOrganizations" })).toEqual([{ id: "a" }, { id: "b" }]);
    expect(orgsShown({ observed: answer(404, { code: "x" }), operationId: "getOrganization" })).toEqual([]);
    expect(orgsShown({ observed: { ...answer(200, { id: "a" }), clean: false }, operationId: "getOrganization" })).toEqual([]);
    expect(orgsShown({ observed: { ...answer(200, { id: "a" }), clean: false }, operationId: "getOrganization" }, false)).toEqual([
      { id: "a" },
    ]);
  });
});
