/**
 * The working directory of a command run in process (`runConformance({ cwd })`): every relative path
 * of the settings is taken from it, not from the process's, so a script that runs the gate for another
 * checkout reads that checkout's baseline and writes its reports there. For the bin the two are one,
 * and the paths stay as typed (messages show them as the user wrote them).
 */
import { isAbsolute, resolve } from "node:path";
import type { Settings } from "./settings.js";

/** Every setting that names a file or directory; `.conformance/` of older versions goes by `workDir`. */
const PATH_SETTINGS = ["reportDir", "journalPath", "stateDir", "baselinePath", "knownIssuesPath", "historyPath"] as const;

export function inWorkDir(settings: Settings, cwd: string): Settings {
  if (resolve(cwd) === process.cwd()) return settings;
  const rebased = { ...settings, workDir: resolve(cwd) };
  for (const key of PATH_SETTINGS) {
    const path = settings[key];
    if (path !== undefined && !isAbsolute(path)) rebased[key] = resolve(cwd, path);
  }
  return rebased;
}
