/**
 * One consumer interaction as data, and the one function that turns it into a Pact interaction.
 * Before the interaction runs, its example response (matchers reified) is validated against the
 * spec for its operation and status, and a 2xx PATCH's request body against the request schema,
 * so the pact can never promise what the spec does not allow.
 */
import { MatchersV3, type PactV4 } from "@pact-foundation/pact";
import { expect } from "vitest";
import { TenantClient } from "../../../src/client/index.js";
import { validateExample } from "../../../src/contracts/consumer-kit.js";
import { BEARER_PATTERN, EXAMPLE_TOKEN, type StateSentence } from "../../../src/contracts/states.js";
import { findingsFromValidation, renderFinding } from "../../../src/findings/finding.js";
import { operation } from "../../../src/spec/document.js";
import type { OperationId } from "../../../src/spec/types.js";
import { specValidators } from "../../../src/validation/validators.js";

type JsonMap = Record<string, string | number | boolean | null>;

export interface PactCase {
  operationId: OperationId;
  status: number;
  /** `uponReceiving`: what the consumer does, unique within the pact. */
  description: string;
  /** Absent for requests whose outcome needs no provider state (no token → 401). */
  state?: { sentence: StateSentence; params?: JsonMap };
  /** The request path below the base URL, as sent (an example id for templated paths). */
  path: string;
  /** Whether the consumer sends its (placeholder) access token. */
  authenticated: boolean;
  /** The PATCH body, sent verbatim: the exact body is the point of the request. */
  requestBody?: unknown;
  /** The response body, with matchers where a value is not the point. */
  responseBody: unknown;
  /** Drives the client against the mock server and asserts on what the client returns or throws. */
  run(client: TenantClient): Promise<void>;
}

/** Spec problems of the case's example response and (2xx PATCH) request body, rendered. */
export function specProblems(c: PactCase): string[] {
  // The response through the consumer kit, the very check a team's own tests make (src/contracts/consumer-kit.ts).
  const problems = validateExample(c.operationId, c.status, c.responseBody);
  if (c.requestBody !== undefined && c.status >= 200 && c.status < 300) {
    const request = specValidators().validateRequestBody({ operationId: c.operationId, body: c.requestBody });
    problems.push(...findingsFromValidation(request, "request-schema").map(renderFinding));
  }
  return problems;
}

export async function verifyCase(pact: PactV4, c: PactCase): Promise<void> {
  expect(specProblems(c), `the example of "${c.description}" breaks the spec`).toEqual([]);
  const { method } = operation(specValidators().spec, c.operationId);
  let interaction = pact.addInteraction();
  if (c.state) interaction = interaction.given(c.state.sentence, c.state.params);
  await interaction
    .uponReceiving(c.description)
    .withRequest(method, c.path, (request) => {
      const headers: Record<string, unknown> = { Accept: "application/json" };
      if (c.authenticated) headers.Authorization = MatchersV3.regex(BEARER_PATTERN, `Bearer ${EXAMPLE_TOKEN}`);
      request.headers(headers as Parameters<typeof request.headers>[0]);
      if (c.requestBody !== undefined) request.jsonBody(c.requestBody);
    })
    .willRespondWith(c.status, (response) => {
      response.headers({ "Content-Type": MatchersV3.regex("^application/json(;.*)?$", "application/json") });
      response.jsonBody(c.responseBody);
    })
    .executeTest(async (mock) => {
      await c.run(new TenantClient({ baseUrl: mock.url, token: c.authenticated ? EXAMPLE_TOKEN : undefined, timeoutMs: 5000 }));
    });
}
