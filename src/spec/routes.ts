/**
 * Requests mapped to the spec's operations by method and path template: the reference provider's
 * router and the pact checker both derive their routes from spec/, never from hand-written paths.
 */
import type { OperationSpec, SpecDocument } from "./document.js";

/** `/api/v1/orgs/{org_id}` → /^\/api\/v1\/orgs\/(?<org_id>[^/]+)$/ (a parameter is one non-empty segment). */
export function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`);
}

export type Route =
  | { operation: OperationSpec; params: Record<string, string> }
  /** The path is documented, the method is not there: the methods that are. */
  | { allowed: string[] }
  /** No documented path. */
  | undefined;

/** The documented operation of `method` on `path` (the path below the server's base path), with its path parameters. */
export function routeOf(spec: SpecDocument, method: string, path: string): Route {
  const candidates = [...spec.operations.values()].flatMap((operation) => {
    const match = templateRegExp(operation.pathTemplate).exec(path);
    return match ? [{ operation, params: { ...match.groups } }] : [];
  });
  if (candidates.length === 0) return undefined;
  return candidates.find((candidate) => candidate.operation.method === method) ?? { allowed: candidates.map((c) => c.operation.method) };
}
