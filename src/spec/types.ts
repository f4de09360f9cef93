/**
 * Friendly names for the generated types (src/spec/generated/, made by `npm run spec:types` from the
 * spec). Code uses these, so a spec change that no longer fits breaks compilation.
 */
import type { components, operations } from "./generated/tenant-api.js";

type Schemas = components["schemas"];

export type Organization = Schemas["OrganizationResponse"];
export type OrganizationList = Schemas["OrganizationListResponse"];
export type OrganizationUpdate = Schemas["OrganizationUpdateRequest"];
export type ErrorResponse = Schemas["ErrorResponse"];
export type ResourceState = Schemas["ResourceState"];

export type OperationId = keyof operations;
