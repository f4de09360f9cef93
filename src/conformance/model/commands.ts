/**
 * The commands of the model-based run: one request each (list, get or patch) by one persona on one
 * of the known orgs. A command is plain data (persona, org, body), so fast-check can shrink a
 * sequence by dropping commands; its `run` sends the request, asks the model what the reference
 * rules predict, and throws a Divergence when the target answers otherwise.
 */

import type { AsyncCommand } from "fast-check";
import fc from "fast-check";
import type { Target } from "../target.js";
import type { ModelWorld } from "./model.js";

/** Who sends a request: the target's personas, by name (a token never leaves the target). */
export type PersonaName = "owner" | "admin" | "member" | "outsider" | "noToken" | "inferenceKey";

/** The orgs a request may name: the one under test, another user's, a well-formed unknown id, a malformed id. */
export type OrgName = "editable" | "foreign" | "missing" | "malformed";

/** A request as the finding shows it, enough to replay it by hand. */
export interface ReplayableRequest {
  method: "GET" | "PATCH";
  path: string;
  persona: PersonaName;
  body?: unknown;
}

/** What the commands act on: the model's prediction and the target's answer, compared. */
export interface Real {
  /** Sends one request as `persona`; the log of the sequence grows by it. */
  send(request: Omit<ReplayableRequest, "path">, org?: OrgName): Promise<void>;
}

/** The response differs from what the reference rules predict, outside every freedom the docs allow. */
export class Divergence extends Error {
  override readonly name = "Divergence";
}

export type ModelCommand = AsyncCommand<ModelWorld, Real>;

class ListCommand implements ModelCommand {
  constructor(readonly persona: PersonaName) {}
  check = () => true;
  run = (_model: ModelWorld, real: Real) => real.send({ method: "GET", persona: this.persona });
  toString = () => `list as ${this.persona}`;
}

class GetCommand implements ModelCommand {
  constructor(
    readonly persona: PersonaName,
    readonly org: OrgName,
  ) {}
  check = () => true;
  run = (_model: ModelWorld, real: Real) => real.send({ method: "GET", persona: this.persona }, this.org);
  toString = () => `get ${this.org} as ${this.persona}`;
}

class PatchCommand implements ModelCommand {
  constructor(
    readonly persona: PersonaName,
    readonly org: OrgName,
    /** Sent to the org under test; another org gets a harmless body instead (see `resolve`). */
    readonly body: Record<string, unknown>,
  ) {}
  check = () => true;
  run = (model: ModelWorld, real: Real) => real.send({ method: "PATCH", persona: this.persona, body: this.resolve(model) }, this.org);
  toString = () => `patch ${this.org} as ${this.persona} with ${JSON.stringify(this.resolve(undefined))}`;

  /**
   * Only TENANT_API_ORG_ID is ever written with a new value. The foreign org gets `{}` (it changes
   * nothing even if wrongly accepted); an unknown or malformed id gets the org's current name.
   */
  private resolve(model: ModelWorld | undefined): unknown {
    if (this.org === "editable") return this.body;
    return this.org === "foreign" ? {} : { name: model?.editable().name ?? "(the org's current name)" };
  }
}

/** A small pool of values, so sequences write, overwrite and restore the same values (ABA included). */
const names = fc.constantFrom("Conformance model A", "Conformance model B");
const descriptions = fc.constantFrom("conformance model: first", "conformance model: second");

/** Name/description bodies only (values the restore can undo): valid ones, and a few the rules refuse. */
const bodies: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: names.map((name) => ({ name })), weight: 4 },
  { arbitrary: descriptions.map((description) => ({ description })), weight: 2 },
  { arbitrary: fc.constant({ description: "" }), weight: 3 },
  { arbitrary: fc.record({ name: names, description: descriptions }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      {},
      { name: "" },
      { name: "", description: "conformance model: refused" },
      { name: "n".repeat(101) },
      { description: 7 },
    ),
    weight: 1,
  },
);

/** The personas and orgs this target offers: an unset persona or org is never drawn. */
export function available(target: Target): { personas: PersonaName[]; orgs: OrgName[] } {
  const tokens = target.tokens as Target["tokens"] & { admin?: string };
  const personas: PersonaName[] = ["owner", "noToken", "inferenceKey"];
  if (tokens.admin !== undefined) personas.push("admin");
  if (tokens.member !== undefined) personas.push("member");
  if (tokens.outsider !== undefined) personas.push("outsider");
  const orgs: OrgName[] = ["editable", "malformed"];
  if (target.foreignOrgId !== undefined) orgs.push("foreign");
  if (target.missingOrgId !== undefined) orgs.push("missing");
  return { personas, orgs };
}

/** Sequences of up to `maxCommands` commands; writes to the org under test are drawn most often. */
export function commandSequences(target: Target, maxCommands: number): fc.Arbitrary<Iterable<ModelCommand>> {
  const { personas, orgs } = available(target);
  const reader = fc.constantFrom(...personas);
  // PATCHes come mostly from the writers, so sequences change the org and then look at it as others.
  const writer = fc.oneof(
    ...personas.map((name) => ({ arbitrary: fc.constant(name), weight: name === "owner" || name === "admin" ? 4 : 1 })),
  );
  const org = fc.constantFrom(...orgs);
  const editableOrAny = fc.oneof({ arbitrary: fc.constant<OrgName>("editable"), weight: 3 }, { arbitrary: org, weight: 1 });
  const patches = fc.tuple(writer, editableOrAny, bodies).map(([who, where, body]) => new PatchCommand(who, where, body));
  // Reads cost almost nothing (those between two writes are in flight together), so a sequence reads
  // often: lists and gets by every persona after each write are what expose state carried wrongly.
  const list = reader.map((who) => new ListCommand(who));
  const get = fc.tuple(reader, editableOrAny).map(([who, where]) => new GetCommand(who, where));
  // Each arbitrary is drawn alike: the repetitions weigh lists 2, gets 3, patches 3.
  return fc.commands([list, list, get, get, get, patches, patches, patches], { maxCommands, size: "medium" });
}
