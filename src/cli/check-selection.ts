/**
 * `--list-checks`, `--checks id,…` and `--exclude-checks id,…`: which checks of the catalog a run
 * makes. They are taken out of the argument list before the settings read the rest, and an unknown
 * id is exit 2 naming the closest known one (a typo must not shrink a gate to nothing).
 */
import { parseArgs } from "node:util";
import { closest } from "fastest-levenshtein";
import { catalog } from "../conformance/catalog.js";
import type { Check } from "../conformance/check.js";
import type { Selection } from "../conformance/runner.js";
import { ToolError } from "../errors.js";

export interface CheckSelection {
  /** `--list-checks`: print the selected checks and send nothing. */
  list: boolean;
  checks: readonly Check[];
  /** Set when --checks/--exclude-checks were given: what was chosen, for the verdict and the replay. */
  scope?: Selection;
}

const SELECTION_FLAGS = {
  "list-checks": { type: "boolean" },
  checks: { type: "string" },
  "exclude-checks": { type: "string" },
} as const;

/** The selection, and the arguments that are not about it (for the settings). */
export function takeCheckSelection(
  argv: readonly string[],
  all: readonly Check[] = catalog,
): { selection: CheckSelection; rest: string[] } {
  const { tokens } = parseArgs({ args: [...argv], options: SELECTION_FLAGS, strict: false, allowPositionals: true, tokens: true });
  const taken = new Set<number>();
  const lists = { checks: [] as string[], "exclude-checks": [] as string[] };
  let list = false;
  for (const token of tokens) {
    if (token.kind !== "option" || !(token.name in SELECTION_FLAGS)) continue;
    taken.add(token.index);
    if (token.name === "list-checks") {
      list = true;
      continue;
    }
    const name = token.name as keyof typeof lists;
    if (typeof token.value !== "string" || token.value.startsWith("-")) {
      throw new ToolError("CONFIG_INVALID", `--${name} needs a comma-separated list of check ids (see --list-checks)`);
    }
    if (!token.inlineValue) taken.add(token.index + 1);
    lists[name].push(...token.value.split(","));
  }
  const rest = argv.filter((_, index) => !taken.has(index));
  const checks = select(all, lists.checks, lists["exclude-checks"]);
  const args = Object.entries(lists).flatMap(([name, given]) => {
    const named = given.map((id) => id.trim()).filter((id) => id !== "");
    return named.length > 0 ? [`--${name}`, named.join(",")] : [];
  });
  if (args.length === 0) return { selection: { list, checks }, rest };
  const scope: Selection = {
    args,
    selected: checks.length,
    total: all.length,
    notSelected: all.filter((check) => !checks.includes(check)).map((check) => check.id),
  };
  return { selection: { list, checks, scope }, rest };
}

function select(all: readonly Check[], included: string[], excluded: string[]): Check[] {
  const include = ids(all, included, "--checks");
  const exclude = ids(all, excluded, "--exclude-checks");
  const chosen = all.filter((check) => (include.size === 0 || include.has(check.id)) && !exclude.has(check.id));
  if (chosen.length === 0) throw new ToolError("CONFIG_INVALID", "--checks and --exclude-checks leave no check to run");
  return chosen;
}

function ids(all: readonly Check[], names: string[], flag: string): Set<string> {
  const known = all.map((check) => check.id);
  const wanted = names.map((name) => name.trim()).filter((name) => name !== "");
  const unknown = wanted.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new ToolError(
      "CONFIG_INVALID",
      `${flag}: unknown check ${JSON.stringify(unknown)} (did you mean ${JSON.stringify(closest(unknown, known))}?); --list-checks lists them`,
    );
  }
  return new Set(wanted);
}

/** One line per check: id, phase, operation and the rule it holds, in run order. */
export function renderCheckList(checks: readonly Check[]): string {
  const idWidth = Math.max(...checks.map((check) => check.id.length));
  const opWidth = Math.max(...checks.map((check) => check.operationId.length));
  const lines = checks.map(
    (check) => `${check.id.padEnd(idWidth)}  ${check.phase.padEnd(5)}  ${check.operationId.padEnd(opWidth)}  ${check.title}`,
  );
  return `${lines.join("\n")}\n${checks.length} checks (read checks run concurrently, then write checks in order)\n`;
}
