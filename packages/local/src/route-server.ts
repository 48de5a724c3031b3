import type { RouteSpec } from "@orders/infra/manifest";
import type { APIGatewayProxyResultV2 } from "aws-lambda";
import { readBody, routeMatcher, toApiEvent, withClaims, writeGatewayError, writeResult } from "./api-gateway.ts";
import type { Invokers } from "./invokers.ts";
import { authorize } from "./jwt-authorizer.ts";
import { LOCAL_ENDPOINTS, type LocalEndpointContext } from "./local-endpoints.ts";
import { routeFunctionName } from "./local-functions.ts";
import type { LocalIssuer } from "./local-issuer.ts";
import { type RouteRateLimiter, writeRateLimited } from "./rate-limit.ts";
import type { RequestListener } from "./startup-gate.ts";
import { FunctionTimeoutError } from "./worker-pool.ts";

/**
 * The API Gateway side of the local runtime: each request matched against the
 * routes, turned into a payload-2.0 event for the route's function, and its
 * result written back; the local-only endpoints beside them.
 */
export function routeServer(
  routes: readonly RouteSpec[],
  invokers: Invokers,
  localContext: LocalEndpointContext,
  log: (line: string) => void,
  limiter?: RouteRateLimiter,
  issuer?: LocalIssuer,
): RequestListener {
  const match = routeMatcher(routes);
  return async (request, response) => {
    const started = Date.now();
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const matched = match(request.method ?? "GET", path);
    response.on("finish", () =>
      log(`${request.method} ${request.url} → ${response.statusCode} ${Date.now() - started}ms`),
    );
    const body = await readBody(request);
    if (body === "too-large") return writeGatewayError(response, 413, "Request Entity Too Large");
    const local = LOCAL_ENDPOINTS[path];
    if (local) {
      const reply = await local(request.method ?? "GET", body, localContext);
      response.writeHead(reply.status, { "content-type": "application/json" });
      return response.end(JSON.stringify(reply.body));
    }
    if (!matched) return writeGatewayError(response, 404, "Not Found");
    // Throttled as API Gateway throttles: per route key, before anything else runs (issue #16).
    const admitted = limiter?.take(`${matched.route.method} ${matched.route.path}`);
    if (admitted && !admitted.ok) return writeRateLimited(response, admitted.retryAfterSeconds);
    // Then the JWT authorizer, as deployed: no function runs for a request it refuses.
    const verdict = issuer
      ? await authorize(matched.route.access, request.headers.authorization, issuer)
      : ({ outcome: "pass" } as const);
    if (verdict.outcome === "deny") return writeGatewayError(response, verdict.status, verdict.message);
    const event = toApiEvent(request, body, matched);
    if (verdict.outcome === "verified") withClaims(event, verdict.claims, verdict.scopes);
    const name = routeFunctionName(matched.route);
    try {
      const result = await invokers.get(name).invoke(event);
      writeResult(response, result as APIGatewayProxyResultV2);
    } catch (error) {
      log(`${name} (${matched.route.handler}) failed: ${(error as Error).message}`);
      // API Gateway's own answers: a function past its timeout, or one that failed.
      if (error instanceof FunctionTimeoutError) writeGatewayError(response, 504, "Endpoint request timed out");
      else writeGatewayError(response, 500, "Internal Server Error");
    }
  };
}
