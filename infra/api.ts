import { jwtAudience, jwtIssuer } from "./identity.ts";
import { browserOrigins, routeScopes, routes, throttling } from "./manifest.ts";
import { functionArgs } from "./queues.ts";

/**
 * The stage's route settings name routes that SST creates after the stage
 * (anomalyco/sst#4501), and AWS refuses a setting for a route that does not
 * exist yet: the stage waits for every route, resolved once they are declared.
 */
let routesDeclared: (declared: $util.Output<aws.apigatewayv2.Route>[]) => void = () => {};
const declaredRoutes = new Promise<$util.Output<aws.apigatewayv2.Route>[]>((resolve) => {
  routesDeclared = resolve;
});

/** The HTTP API: one route per manifest entry, each function linked to what it uses only. */
export const api = new sst.aws.ApiGatewayV2("OrdersApi", {
  // API-wide: the stage's listed browser apps only (none by default), never `*` (issue #16).
  cors: {
    allowOrigins: [...(browserOrigins[$app.stage] ?? [])],
    allowMethods: ["GET", "POST", "PUT"],
    allowHeaders: ["content-type", "x-channel", "authorization", "idempotency-key"],
    maxAge: "1 day",
  },
  transform: {
    // Throttling from the manifest (issue #16): the stage's default for each route, and the routes' own.
    stage: (args, opts) => {
      args.defaultRouteSettings = {
        throttlingRateLimit: throttling.stage.ratePerSecond,
        throttlingBurstLimit: throttling.stage.burst,
      };
      args.routeSettings = routes.flatMap(({ method, path, throttle }) =>
        throttle
          ? [
              {
                routeKey: `${method} ${path}`,
                throttlingRateLimit: throttle.ratePerSecond,
                throttlingBurstLimit: throttle.burst,
              },
            ]
          : [],
      );
      opts.dependsOn = declaredRoutes;
    },
  },
});

/**
 * Callers' tokens, checked before any function runs: the signature against
 * the issuer's published keys, the issuer, the audience, the expiry, and the
 * scopes each route asks (issue #16). The functions read the verified claims.
 */
const callers = api.addAuthorizer({
  name: "Callers",
  jwt: { issuer: jwtIssuer.value, audiences: [jwtAudience.value] },
});

const declared = routes.map((route) =>
  api.route(
    `${route.method} ${route.path}`,
    {
      ...functionArgs(route),
      ...(route.files
        ? { copyFiles: route.files.map((file) => ({ from: `node_modules/${file}`, to: `node_modules/${file}` })) }
        : {}),
    },
    // The route's own arguments, not the function's: who may call it.
    route.access === "public" ? {} : { auth: { jwt: { authorizer: callers.id, scopes: routeScopes(route.access) } } },
  ),
);
routesDeclared(declared.map((route) => route.nodes.route));

/** Each route's function, in the manifest's order, for its alarms and the dashboard. */
export const routeFunctions = declared.map((route) => route.nodes.function);
