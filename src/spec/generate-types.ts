/**
 * TypeScript types from the spec, through openapi-typescript's programmatic API. `npm run spec:types`
 * and the staleness test both call `generateTypes`, so the file written and the text compared can
 * never differ by a CLI flag or a default.
 */
import { pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { SPEC_PATH } from "./paths.js";

/** The exact text of src/spec/generated/tenant-api.d.ts for the spec at `specPath`. */
export async function generateTypes(specPath: string = SPEC_PATH): Promise<string> {
  // A file URL (not the parsed object) so Redocly bundles it the way the upstream CLI does.
  const ast = await openapiTS(pathToFileURL(specPath), { silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}
