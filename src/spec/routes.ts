/**
 * Requests mapped to the spec's operations by method and path template: the reference provider's
 * router and the pact checker both derive their routes from spec/, never from hand-written paths.
 */
import type { OperationSpec, SpecDocument } from "./document.js";

/** `/api/v1/orgs/{org_id}` → /^\/api\/v1\/orgs\/(?<org_id>[^/]+)$/ (a parameter is one non-empty segment). */
function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`);
}

export type Route =
  | { operation: OperationSpec; params: Record<string, string> }
  /** The path is documented, the method is not there: the methods that are, on that template. */
  | { allowed: string[]; pathTemplate: string }
  /** No documented path. */
  | undefined;

/** Each operation with its compiled path pattern, once per spec (the provider routes every request). */
const patterns = new WeakMap<SpecDocument, { operation: OperationSpec; pattern: RegExp }[]>();

function patternsOf(spec: SpecDocument): { operation: OperationSpec; pattern: RegExp }[] {
  let compiled = patterns.get(spec);
  if (compiled === undefined) {
    compiled = [...spec.operations.values()].map((operation) => ({ operation, pattern: templateRegExp(operation.pathTemplate) }));
    patterns.set(spec, compiled);
  }
  return compiled;
}

/** The documented operation of `method` on `path` (the path below the server's base path), with its path parameters. */
export function routeOf(spec: SpecDocument, method: string, path: string): Route {
  const candidates = patternsOf(spec).flatMap(({ operation, pattern }) => {
    const match = pattern.exec(path);
    return match ? [{ operation, params: { ...match.groups } }] : [];
  });
  const [first] = candidates;
  if (first === undefined) return undefined;
  return (
    candidates.find((candidate) => candidate.operation.method === method) ?? {
      allowed: candidates.map((c) => c.operation.method),
      pathTemplate: first.operation.pathTemplate,
    }
  );
}
