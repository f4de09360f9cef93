/**
 * `npm run spec:types [-- --out FILE]`: regenerates src/spec/generated/tenant-api.d.ts from
 * spec/tenant-api.openapi.json (or writes to FILE instead).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { describeError, EXIT_TOOL_ERROR } from "../errors.js";
import { generateTypes } from "./generate-types.js";
import { SPEC_PATH, TYPES_PATH } from "./paths.js";

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: "string" } } });
  const out = values.out ?? TYPES_PATH;
  writeFileSync(out, await generateTypes(SPEC_PATH));
  console.log(`wrote ${out} from ${SPEC_PATH}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`spec:types: ${describeError(error)}`);
  process.exit(EXIT_TOOL_ERROR);
});
