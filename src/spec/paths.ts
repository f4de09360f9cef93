import { fileURLToPath } from "node:url";

/** Absolute locations of the project's spec files, independent of the working directory. */
export const SPEC_PATH = fileURLToPath(new URL("../../spec/tenant-api.openapi.json", import.meta.url));
export const SPEC_SOURCE_DIR = fileURLToPath(new URL("../../spec/source/", import.meta.url));
export const TYPES_PATH = fileURLToPath(new URL("./generated/tenant-api.d.ts", import.meta.url));
