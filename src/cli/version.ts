/** `--version`: the package's own version, read from its package.json (beside src/ in the repository, dist/ when installed). */
import { readFileSync } from "node:fs";

const PACKAGE_JSON = new URL("../../package.json", import.meta.url);

export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version?: unknown };
  return typeof version === "string" ? version : "unknown";
}
