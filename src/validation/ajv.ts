/**
 * The project's one Ajv instance. Nothing else constructs Ajv or compiles schemas: validators are
 * compiled here once and cached by key (Ajv's own pattern: one instance owns the cache).
 */

import { createRequire } from "node:module";
import { _, Ajv, type ValidateFunction } from "ajv";
import type { FormatsPlugin } from "ajv-formats";

// ajv-formats is CommonJS with `exports.default`; require() gives the plugin under every loader.
const addFormats = createRequire(import.meta.url)("ajv-formats") as FormatsPlugin;

/** Keyword the schema transform puts on a property that must not travel in this direction. */
export const FORBIDDEN_DIRECTION_KEYWORD = "x-oas-forbidden";

/**
 * OpenAPI 3.0 annotation keywords that JSON Schema draft-07 does not know. Declared so strict mode
 * accepts them without validating anything. @see https://spec.openapis.org/oas/v3.0.3#schema-object
 */
const OPENAPI_ANNOTATIONS = ["example", "xml", "externalDocs", "discriminator"] as const;

/** OpenAPI's own `format` values (data types table); strings/numbers of any shape are accepted. */
const OPENAPI_FORMATS = ["int32", "int64", "float", "double", "byte", "binary", "password"] as const;

export function createAjv(): Ajv {
  const ajv = new Ajv({
    strict: true,
    allErrors: true, // report every problem, not the first
    coerceTypes: false, // "1" is not 1: a provider that sends the wrong type must be caught
    useDefaults: false, // never mutate the body under validation
    // minLength/maxLength count code points by default (Ajv's ucs2length), as JSON Schema requires.
    verbose: true, // errors carry the failing schema object, which problems.ts maps back to the spec
    inlineRefs: false, // keep $ref targets separate so schemaPath names the component in the spec
  });
  addFormats(ajv);
  for (const keyword of OPENAPI_ANNOTATIONS) ajv.addKeyword({ keyword });
  for (const format of OPENAPI_FORMATS) ajv.addFormat(format, true);
  ajv.addKeyword({
    keyword: FORBIDDEN_DIRECTION_KEYWORD,
    schemaType: "string",
    error: { message: ({ schema }) => _`${`is ${schema} and must not be sent in this direction`}` },
    code(cxt) {
      cxt.fail(_`true`);
    },
  });
  return ajv;
}

export type { ValidateFunction };
