import { routes, runtime } from "./manifest.ts";
import { linkables } from "./queues.ts";

/** The HTTP API: one route per manifest entry, each function linked to what it uses only. */
export const api = new sst.aws.ApiGatewayV2("OrdersApi", {
  cors: {
    allowOrigins: ["*"],
    allowMethods: ["GET", "POST", "PUT"],
    allowHeaders: ["content-type", "x-channel", "authorization", "idempotency-key"],
    maxAge: "1 day",
  },
});

for (const route of routes) {
  api.route(`${route.method} ${route.path}`, {
    handler: route.handler,
    link: route.links.map((name) => linkables[name]),
    timeout: `${route.timeoutSeconds} seconds`,
    memory: `${route.memoryMb} MB`,
    ...runtime,
  });
}
