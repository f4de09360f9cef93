/**
 * Provider states on a deploy that has no state set-up endpoint (issue 26: 3 of 20 interactions
 * verified there): each state the configured personas (TENANT_API_*) and the API itself can
 * provide is set up by choosing whose token the request carries and which real org its example id
 * stands for, plus, where the state needs it, a PATCH of the test org. Those PATCHes, and the
 * PATCHes of the interactions themselves, run under the gate's lock and journal and are restored at
 * the end by the gate's own restore (src/conformance/safety), called, never copied. A state that no
 * request can bring about (a forbidden list, a failing server) needs the provider's own endpoint:
 * its set-up fails with that reason, so its interactions come back "not verified", never passed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ENV, type Settings } from "../config/settings.js";
import { orgPath } from "../conformance/context.js";
import { guardTarget } from "../conformance/safety/guard.js";
import { type JournalEntry, journalEntry, removeJournal, writeJournal } from "../conformance/safety/journal.js";
import { type RestoreOutcome, restoreOrg } from "../conformance/safety/restore.js";
import { type OrgSnapshot, type SnapshotSummary, summaryOf, unrestorableReason } from "../conformance/safety/snapshot.js";
import { HttpTransport, rawJson } from "../http/transport.js";
import { isObject } from "../spec/assemble.js";
import { specValidators } from "../validation/validators.js";
import type { StateSetup } from "./provider-states.js";
import { STATES, type StateSentence } from "./states.js";

/** Why a state cannot be set up through the API: only the provider's own endpoint can. */
export const NEEDS_ENDPOINT: Partial<Record<StateSentence, string>> = {
  [STATES.mayNotList]: "no request makes listing forbidden for an authenticated caller",
  [STATES.serverFails]: "no request makes the server fail",
};

/** An express-style middleware of pact-js's proxy: it sees each request before the provider does. */
export type RequestFilter = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

export interface LiveStates {
  handlers: Record<string, StateSetup>;
  /** Sends the set-up persona's token instead of the pact's placeholder, and the real org id for the example. */
  requestFilter: RequestFilter;
  /** Restores the test org if anything was written (undefined: nothing was), and lets go of its lock. */
  finish(): Promise<Restored | undefined>;
  /** Each state that could not be set up, with why (the verifier's own report says only that one failed). */
  refusals: Map<string, string>;
}

/** The request the next interaction sends, as the last state set it up. */
interface Stand {
  token?: string;
  /** example id (in the pact's path) -> the real org id */
  ids: Map<string, string>;
}

class StateRefused extends Error {}

/** The gate's restore outcome, with what the org was before the writes (for the NOT RESTORED lines). */
export interface Restored {
  outcome: RestoreOutcome;
  before: SnapshotSummary;
}

export function liveStates(settings: Settings, baseUrl: string): LiveStates {
  const stand: Stand = { ids: new Map() };
  const transport = new HttpTransport({ baseUrl, timeoutMs: settings.timeoutMs, proxy: settings.proxy });
  const journal = new OrgJournal(settings, baseUrl, transport);
  const as = (token: string | undefined, variable: string, ids: [unknown, string | undefined][] = []) => {
    if (token === undefined) throw new StateRefused(`needs ${variable} (a persona for this state) or the provider's state set-up endpoint`);
    stand.token = token;
    stand.ids = new Map(ids.flatMap(([example, real]) => (typeof example === "string" && real ? [[example, real]] : [])));
  };
  const orgId = () => need(settings.orgId, ENV.orgId);
  const refusals = new Map<string, string>();
  const handlers: Record<string, StateSetup> = {
    [STATES.belongsToOrganizations]: setup(() => as(settings.token, ENV.token)),
    [STATES.belongsToNone]: setup(() => as(settings.outsiderToken, ENV.outsiderToken)),
    [STATES.authenticated]: setup(() => as(settings.token, ENV.token)),
    [STATES.orgMember]: setup(async (params) => {
      as(settings.memberToken, ENV.memberToken, [[params.orgId, orgId()]]);
      // The member's read promises a description: the test org gets one, under the journal, if it has none.
      await journal.ensureDescription(orgId(), need(settings.token, ENV.token));
    }),
    [STATES.orgOwner]: setup(async (params) => {
      as(settings.token, ENV.token, [[params.orgId, orgId()]]);
      await journal.begin(orgId(), need(settings.token, ENV.token)); // the interaction's PATCH writes
    }),
    [STATES.orgForeign]: setup((params) => {
      // A stranger to the test org, or the owner before somebody else's org.
      if (settings.outsiderToken) as(settings.outsiderToken, ENV.outsiderToken, [[params.orgId, orgId()]]);
      else as(settings.token, ENV.token, [[params.orgId, need(settings.foreignOrgId, `${ENV.foreignOrgId} or ${ENV.outsiderToken}`)]]);
    }),
    [STATES.orgMissing]: setup((params) => as(settings.token, ENV.token, [[params.orgId, settings.missingOrgId]])),
  };
  for (const [sentence, reason] of Object.entries(NEEDS_ENDPOINT)) {
    handlers[sentence] = setup(() => {
      throw new StateRefused(`needs the provider's state set-up endpoint: ${reason}`);
    });
  }
  // Each handler knows its sentence only here: a refusal is recorded under it.
  for (const [sentence, handler] of Object.entries(handlers)) handlers[sentence] = recordedAs(sentence, handler, refusals);
  return {
    handlers,
    refusals,
    requestFilter: (request, _response, next) => {
      // Only requests that carry the placeholder token get a persona's: a 401 interaction sends none.
      if (request.headers.authorization !== undefined && stand.token) request.headers.authorization = `Bearer ${stand.token}`;
      for (const [example, real] of stand.ids) request.url = request.url?.replace(`/${example}`, `/${encodeURIComponent(real)}`);
      next();
    },
    finish: async () => {
      try {
        return await journal.finish();
      } finally {
        await transport.close();
      }
    },
  };
}

/** A set-up with the pact's params as an object; a refusal is the interaction's "could not be set up". */
function setup(apply: (params: Record<string, unknown>) => void | Promise<void>): StateSetup {
  return async (params) => {
    await apply(isObject(params) ? params : {});
    return undefined;
  };
}

/** The handler, with its refusals (and any other failure) recorded under the state's sentence. */
function recordedAs(sentence: string, handler: StateSetup, refusals: Map<string, string>): StateSetup {
  return async (params) => {
    try {
      return await handler(params);
    } catch (error) {
      refusals.set(sentence, error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}

function need(value: string | undefined, variable: string): string {
  if (value === undefined) throw new StateRefused(`needs ${variable} or the provider's state set-up endpoint`);
  return value;
}

/**
 * The test org's snapshot, taken under the gate's lock and journal before the first write of the
 * verification (a set-up PATCH or an interaction's), and put back at the end by the gate's restore.
 */
class OrgJournal {
  private entry: JournalEntry | undefined;
  private journalPath: string | undefined;
  private release: (() => void) | undefined;
  private token = "";

  constructor(
    private readonly settings: Settings,
    private readonly baseUrl: string,
    private readonly transport: HttpTransport,
  ) {}

  async begin(orgId: string, token: string): Promise<void> {
    if (this.entry !== undefined) return;
    if (!this.settings.allowMutations) throw new StateRefused(`writes the test org: needs ${ENV.allowMutations}=1`);
    const guard = await guardTarget({
      stateDir: this.settings.stateDir,
      stateDirFlag: this.settings.stateDirFlag,
      baseUrl: this.baseUrl,
      orgId,
      orgIdConfigured: true,
      lockWaitMs: this.settings.lockWaitMs,
      writes: true,
    });
    this.release = guard.release;
    const snapshot = await this.read(orgId, token);
    const unrestorable = unrestorableReason(snapshot, specValidators());
    if (unrestorable) throw new StateRefused(unrestorable);
    this.entry = journalEntry(this.baseUrl, orgId, snapshot);
    this.journalPath = guard.journalPath;
    this.token = token;
    writeJournal(guard.journalPath, this.entry);
  }

  async ensureDescription(orgId: string, token: string): Promise<void> {
    const org = await this.read(orgId, token);
    if (typeof org.description === "string" && org.description !== "") return;
    await this.begin(orgId, token);
    const body = JSON.stringify({ description: "Set up for a pact verification" });
    const patched = await this.transport.send({ method: "PATCH", path: orgPath(orgId), authorization: `Bearer ${token}`, body });
    if (patched.status !== 200) throw new StateRefused(`giving the test org a description answered ${patched.status ?? "nothing"}`);
  }

  async finish(): Promise<Restored | undefined> {
    try {
      if (this.entry === undefined) return undefined;
      const outcome = await restoreOrg(this.transport, this.token, this.entry, { settleMs: this.transport.timeoutMs });
      if ((outcome.verified || outcome.targetRestored) && this.journalPath) removeJournal(this.journalPath);
      return { outcome, before: summaryOf(this.entry.snapshot) };
    } finally {
      this.release?.();
    }
  }

  private async read(orgId: string, token: string): Promise<OrgSnapshot> {
    const got = await this.transport.send({ method: "GET", path: orgPath(orgId), authorization: `Bearer ${token}` });
    const org = got.status === 200 ? rawJson(got) : undefined;
    if (!isObject(org) || typeof org.name !== "string") {
      throw new StateRefused(`the test org ${orgId} could not be read (GET answered ${got.status ?? got.failure?.message ?? "nothing"})`);
    }
    return org as OrgSnapshot;
  }
}
