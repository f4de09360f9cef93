/**
 * Servers that make the write phase unsafe: they apply what they must ignore, or refuse what the
 * restore needs. Each is the bug a real server could have; the safety tests run the suite against them
 * and assert the org ends exactly as it was, or that the run says plainly that it does not (exit 3).
 */
import { referenceRules } from "../../src/provider/rules.js";
import type { ProviderHandle, ProviderOptions } from "../../src/provider/server.js";

type Update = Record<string, unknown>;

/**
 * Applies `status`, `referral_code` and `id` from a PATCH body. An applied id moves the org: it is
 * then found (and editable by its owner) only at the new id. `bind` hands it the running provider.
 */
export function readOnlyFieldsApplied(): { options: ProviderOptions; bind(provider: ProviderHandle): void } {
  let provider: ProviderHandle | undefined;
  const options: ProviderOptions = {
    rules: {
      isWellFormedOrgId: (id) => referenceRules.isWellFormedOrgId(id.replace(/(-forged)+$/, "")),
      applyUpdate: (org, update) => {
        referenceRules.applyUpdate(org, update);
        const forged = update as Update;
        if (typeof forged.status === "string") org.status = forged.status as typeof org.status;
        if (typeof forged.referral_code === "string") org.referral_code = forged.referral_code;
        if (typeof forged.id === "string" && forged.id !== org.id && provider) move(provider, org.id, forged.id);
      },
    },
  };
  return { options, bind: (handle) => (provider = handle) };
}

function move(provider: ProviderHandle, from: string, to: string): void {
  const { state } = provider;
  const org = state.organizations.get(from);
  if (!org) return;
  state.organizations.delete(from);
  (org as { id: string }).id = to;
  state.organizations.set(to, org);
  for (const [user, roles] of state.memberships) {
    const role = roles.get(from);
    if (role) state.setRole(user, to, role);
    state.setRole(user, from, undefined);
  }
}

/** Applies a `status` from the body, but an archived org stays archived: the restore cannot undo it. */
export const archiveIsForever: ProviderOptions = {
  rules: {
    applyUpdate: (org, update) => {
      referenceRules.applyUpdate(org, update);
      const status = (update as Update).status;
      if (typeof status === "string" && org.status !== "archived") org.status = status as typeof org.status;
    },
  },
};
