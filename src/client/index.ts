export { TenantClient, type TenantClientOptions } from "./client.js";
export { TenantApiError, TenantTransportError } from "./errors.js";
