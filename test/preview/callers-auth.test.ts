import { TYPES } from "@orders/harness/preview/graph";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { routes } from "../../infra/manifest.ts";

/**
 * Issue #16: every route but the public ones (five: the landing page, the API reference, health, the document and the console) sits behind the JWT
 * authorizer, with the scopes its caller needs. The expectations are written
 * out here, not read from the manifest, so that a route made public by mistake
 * (or an operator route opened to customers) fails.
 */
const PUBLIC = ["GET /", "GET /console", "GET /docs", "GET /health", "GET /openapi.json"];
const ANY_CALLER = ["orders:channel", "orders:customer", "orders:operator"];
const OPERATOR = ["orders:operator"];
/** Routes a customer or a channel may call; the handler decides what each sees. */
const CALLER_ROUTES = [
  "GET /accounts/{id}",
  "GET /accounts/{id}/entries",
  "GET /accounts/{id}/orders",
  "GET /accounts/{id}/webhook",
  "GET /orders/{id}",
  "POST /orders",
];

describe.each(STAGES)("callers' tokens on stage %s (issue #16)", (stage) => {
  const graph = loadGraph(stage);
  const authorizers = graph.ofType("aws:apigatewayv2/authorizer:Authorizer");
  const graphRoutes = graph.ofType(TYPES.route);

  it("has one JWT authorizer, reading the Authorization header, with the stage's issuer and audience secrets", () => {
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.inputs).toMatchObject({
      authorizerType: "JWT",
      identitySources: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: "preview-JwtIssuer", audiences: ["preview-JwtAudience"] },
    });
  });

  it("declares a route in the graph for every route of the manifest", () => {
    const keys = graphRoutes.map((route) => String(route.inputs.routeKey)).sort();
    expect(keys).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it.each(routes.map((route) => `${route.method} ${route.path}`))("guards %s as its callers need", (key) => {
    const route = graphRoutes.find((each) => each.inputs.routeKey === key);
    const { authorizationType, authorizationScopes, authorizerId } = route?.inputs ?? {};
    if (PUBLIC.includes(key)) {
      expect(authorizationType).toBe("NONE");
      return;
    }
    expect(authorizationType).toBe("JWT");
    expect(authorizerId).toBeTruthy();
    const expected = CALLER_ROUTES.includes(key) ? ANY_CALLER : OPERATOR;
    expect([...((authorizationScopes as string[]) ?? [])].sort()).toEqual(expected);
  });
});
