import type { RouteSpec, SubscriptionSpec } from "@orders/infra/manifest";
import { type LocalFunction, routeFunctionName } from "./local-functions.ts";

/** The routes an order takes from its caller: submitted, then read back. */
export const ORDER_ROUTES = ["POST /orders", "GET /orders/{id}"] as const;

/**
 * The order `npm start` warms the functions in, one environment each: what a
 * caller meets first warms first. An order's routes, then the queue consumers
 * it reaches at once (OrdersProcessor, the Notifier), then the other routes a
 * customer or the public calls, then the operators' routes and the schedules.
 * Every function appears once.
 */
export function warmOrder(
  routes: readonly RouteSpec[],
  subscriptions: readonly SubscriptionSpec[],
  functions: readonly LocalFunction[],
): string[] {
  const isOrderRoute = (route: RouteSpec) =>
    (ORDER_ROUTES as readonly string[]).includes(`${route.method} ${route.path}`);
  return [
    ...new Set([
      ...routes.filter(isOrderRoute).map(routeFunctionName),
      ...subscriptions.map((spec) => spec.name),
      ...routes.filter((route) => route.access !== "operator").map(routeFunctionName),
      ...functions.map((fn) => fn.name),
    ]),
  ];
}
