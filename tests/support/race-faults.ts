/**
 * A server without a lock around its read-modify-write: a PATCH reads the whole organization, changes
 * the fields it was sent, and writes the whole row back a moment later (a slow call in between). Two
 * PATCHes in flight at once then each write back the other's field as they read it: one update is lost.
 * Alone, every PATCH is answered and stored as the rules say, and its response goes out only once its
 * write has landed, as a server answers after its UPDATE returns.
 */
import type { StoredOrganization } from "../../src/provider/fixtures.js";
import { referenceRules } from "../../src/provider/rules.js";
import type { ProviderOptions } from "../../src/provider/server.js";

/** Between the read and the write: long enough for a second PATCH sent at the same moment to read the same row. */
const WRITE_DELAY_MS = 75;

export const lostUpdateFault = {
  name: "a PATCH reads the whole organization and writes the whole row back later without a lock (a lost update)",
  get options(): ProviderOptions {
    const writes = new Set<Promise<void>>();
    let answered: StoredOrganization | undefined;
    return {
      rules: {
        applyUpdate(org, update) {
          const row = { ...org }; // the read
          referenceRules.applyUpdate(row, update);
          answered = row;
          const write = new Promise<void>((landed) =>
            setTimeout(() => {
              // The whole row, every field as this request read it: a field another PATCH changed meanwhile goes back.
              org.name = row.name;
              if (row.description === undefined) delete org.description;
              else org.description = row.description;
              landed();
            }, WRITE_DELAY_MS),
          );
          writes.add(write);
          void write.then(() => writes.delete(write));
        },
        presentUpdated: (org, rules) => rules.present(answered ?? org),
      },
      intercept(request, response) {
        if (request.method !== "PATCH") return false;
        // Answered once every write in progress has landed (this request's among them).
        const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
        response.end = ((...args: unknown[]) => {
          void Promise.all([...writes]).then(() => end(...args));
          return response;
        }) as typeof response.end;
        return false;
      },
    };
  },
  expect: ["patch-concurrent-fields-kept"],
};
