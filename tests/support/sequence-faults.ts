/**
 * Faulty providers that only a sequence of calls exposes: each answers every single request as the
 * rules say, but carries state from one request to the next the wrong way (a cache not invalidated,
 * a permission decision reused, a cleared value kept aside). The model-based run must catch each;
 * the checks that look at one call at a time pass them.
 *
 * Each fault keeps state, so `options` is a getter: every provider started from it gets fresh state.
 * The rules' functions are called synchronously in a fixed order for one request (authenticate, then
 * canRead for a GET or canWrite for a PATCH, then the body rules), which is how a fault knows who
 * is asking and for what without a request object.
 */
import type { StoredOrganization } from "../../src/provider/fixtures.js";
import { type ProviderRules, referenceRules } from "../../src/provider/rules.js";
import type { ProviderOptions } from "../../src/provider/server.js";

export interface SequenceFault {
  name: string;
  readonly options: ProviderOptions;
  /** Finding codes the whole catalog raises against it, exactly (each names a broken rule). */
  expect: string[];
  /** The generated PATCH bodies catch it too: they are a sequence of PATCHes and GETs by the owner. */
  alsoGenerated?: true;
  /**
   * Write checks of the persona rules catch it too when they run without the model run before them: they run
   * one after another, so the admin's or member's PATCH follows the owner's, which is the sequence this fault needs.
   */
  alsoPersonaWrites?: true;
}

/** Who the current request is from and what it does, as the rules see it while handling it. */
function tracker(): {
  rules: Partial<ProviderRules>;
  caller: () => string | undefined;
  operation: () => "list-or-other" | "get" | "patch";
} {
  let caller: string | undefined;
  let operation: "list-or-other" | "get" | "patch" = "list-or-other";
  return {
    rules: {
      authenticate(header, state) {
        operation = "list-or-other";
        caller = referenceRules.authenticate(header, state);
        return caller;
      },
      canRead(role, userId, state) {
        operation = "get";
        return referenceRules.canRead(role, userId, state);
      },
      canWrite(role, userId, state) {
        operation = "patch";
        return referenceRules.canWrite(role, userId, state);
      },
    },
    caller: () => caller,
    operation: () => operation,
  };
}

export const sequenceFaults: SequenceFault[] = [
  {
    name: "a GET answers from a per-caller cache that only the caller's own PATCH refreshes (stale after another persona's write)",
    alsoPersonaWrites: true,
    get options(): ProviderOptions {
      const current = tracker();
      const cache = new Map<string, unknown>();
      const key = (org: StoredOrganization) => `${current.caller()} ${org.id}`;
      return {
        rules: {
          ...current.rules,
          present(org) {
            if (current.operation() !== "get") return referenceRules.present(org);
            if (!cache.has(key(org))) cache.set(key(org), referenceRules.present(org));
            return cache.get(key(org));
          },
          applyUpdate(org, update) {
            referenceRules.applyUpdate(org, update);
            cache.delete(key(org));
          },
        },
      };
    },
    // The invariants leave the model run's answers out. The admin's PATCHes (after the model run) are read back
    // by the owner from the owner's stale cache, and the personas then see different orgs. Whether the owner's
    // cache is already filled at patch-admin-200 depends on the model run's last requests (the same with the
    // request plan and one request at a time): with the gallery seed it is.
    expect: ["model-based-sequences", "patch-admin-200", "patch-admin-rename-200", "personas-see-same-org"],
  },
  {
    name: "the list is cached per caller and a PATCH does not refresh it",
    get options(): ProviderOptions {
      const lists = new Map<string, StoredOrganization[]>();
      return {
        rules: {
          visibleOrganizations(user, state) {
            const cached = lists.get(user) ?? referenceRules.visibleOrganizations(user, state).map((org) => ({ ...org }));
            lists.set(user, cached);
            return cached;
          },
        },
      };
    },
    expect: ["model-based-sequences"],
  },
  {
    name: "the PATCH right after an owner's or admin's reuses their permission decision, so a member can edit",
    alsoPersonaWrites: true,
    get options(): ProviderOptions {
      let allowedBefore = false;
      return {
        rules: {
          canWrite(role, userId, state) {
            const allowed = referenceRules.canWrite(role, userId, state) || allowedBefore;
            allowedBefore = referenceRules.canWrite(role, userId, state);
            return allowed;
          },
        },
      };
    },
    expect: ["model-based-sequences", "patch-foreign-org-unchanged"],
  },
  {
    name: "a cleared description comes back with the next name-only PATCH",
    get options(): ProviderOptions {
      const setAside = new Map<string, string>();
      return {
        rules: {
          applyUpdate(org, update) {
            // The old text is set aside when cleared, dropped when a new one is written, put back by a name-only PATCH.
            if (update.description === "" && org.description !== undefined) setAside.set(org.id, org.description);
            const kept = update.description === undefined ? setAside.get(org.id) : undefined;
            if (update.description !== "") setAside.delete(org.id);
            referenceRules.applyUpdate(org, update);
            if (update.description === undefined && kept !== undefined) org.description = kept;
          },
        },
      };
    },
    expect: ["model-based-sequences", "patch-generated-bodies", "generated-counterexample"],
    alsoGenerated: true,
  },
  {
    name: "a PATCH with the same body as an earlier one is answered from an idempotency cache and not applied",
    get options(): ProviderOptions {
      // The body text is the idempotency key: a repeat gets the first answer back, and nothing is applied.
      const answered = new Map<string, unknown>();
      let key = "";
      return {
        rules: {
          parseBody(text) {
            key = text;
            return referenceRules.parseBody(text);
          },
          applyUpdate(org, update) {
            if (!answered.has(key)) referenceRules.applyUpdate(org, update);
          },
          presentUpdated(org, rules) {
            if (!answered.has(key)) answered.set(key, rules.present(org));
            return answered.get(key);
          },
        },
      };
    },
    expect: ["model-based-sequences", "patch-generated-bodies", "generated-counterexample", "list-get-patch-agree"],
    alsoGenerated: true,
  },
];

/** Providers that use the docs' freedoms in ways only a sequence meets; the model-based run must pass them. */
export const sequenceVariants: { name: string; readonly options: ProviderOptions }[] = [
  {
    name: "a user without organizations gets an empty list once the server has seen them (404 before)",
    get options(): ProviderOptions {
      const orgless = new Set<string>();
      return {
        rules: {
          authenticate(header, state) {
            const user = referenceRules.authenticate(header, state);
            if (user !== undefined && header !== undefined && state.organizationsOf(user).length === 0) orgless.add(header);
            return user;
          },
        },
        intercept(request, response) {
          const listing = request.method === "GET" && request.url?.endsWith("/api/v1/orgs");
          if (!listing || !orgless.has(request.headers.authorization ?? "")) return false;
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [] }));
          return true;
        },
      };
    },
  },
];
