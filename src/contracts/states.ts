/**
 * The vocabulary shared by the consumer pact tests and the provider verification: provider-state
 * sentences (with `{param}` placeholders whose values travel as state parameters), the example
 * token and the pattern that matches any real one. Keeping them in one module is what makes a
 * state written by the consumer and the handler that sets it up impossible to spell differently.
 */

export const STATES = {
  belongsToOrganizations: "the caller belongs to at least one organization",
  belongsToNone: "the caller belongs to no organization",
  mayNotList: "the caller is authenticated but may not list organizations",
  authenticated: "the caller is authenticated",
  serverFails: "the server fails while handling {operationId}",
  orgMember: "an organization with id {orgId} exists and the caller is a member",
  orgOwner: "an organization with id {orgId} exists and the caller is its owner",
  orgForeign: "an organization with id {orgId} exists and the caller is not a member",
  orgMissing: "no organization with id {orgId} exists",
} as const;

export type StateSentence = (typeof STATES)[keyof typeof STATES];

/**
 * The access token written into the pact. It is a placeholder, never a credential: the provider
 * verification registers it for the persona a state names, and a real run sends its own token.
 * Its characters fit the bearer token68 syntax so a strict provider does not reject its shape.
 */
export const EXAMPLE_TOKEN = "example-access-token-not-a-real-one";

/** Any bearer credential (RFC 6750 token68); the pact matches the header by this, not by value. */
export const BEARER_PATTERN = "^Bearer [A-Za-z0-9._~+/-]+=*$";
