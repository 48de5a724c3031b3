import { describe, expect, it } from "vitest";
import { routes, schedules, subscriptions } from "../../../infra/manifest.ts";
import { type LocalFunction, routeFunctionName } from "../../../packages/local/src/local-functions.ts";
import { warmOrder } from "../../../packages/local/src/warm-order.ts";

const functions: LocalFunction[] = [
  ...routes.map((route) => ({ name: routeFunctionName(route), spec: route })),
  ...subscriptions.map((spec) => ({ name: spec.name, spec })),
  ...schedules.map((spec) => ({ name: spec.name, spec })),
];

describe("the order npm start warms the functions in", () => {
  it("starts with an order's path: its submission, its lookup, then the processor and the Notifier", () => {
    // Act
    const order = warmOrder(routes, subscriptions, functions);

    // Assert
    expect(order.slice(0, 4)).toEqual(["ApiPostOrders", "ApiGetOrdersId", "OrdersProcessor", "Notifier"]);
  });

  it("warms every other public or customer route before any operator route or schedule", () => {
    // Act
    const order = warmOrder(routes, subscriptions, functions);

    // Assert
    const lastCallerRoute = Math.max(
      ...routes.filter((route) => route.access !== "operator").map((route) => order.indexOf(routeFunctionName(route))),
    );
    const firstOperatorOnly = Math.min(
      ...[
        ...routes.filter((route) => route.access === "operator").map(routeFunctionName),
        ...schedules.map((spec) => spec.name),
      ].map((name) => order.indexOf(name)),
    );
    expect(lastCallerRoute).toBeLessThan(firstOperatorOnly);
  });

  it("names every function once", () => {
    // Act
    const order = warmOrder(routes, subscriptions, functions);

    // Assert
    expect(order).toHaveLength(functions.length);
    expect(new Set(order)).toEqual(new Set(functions.map((fn) => fn.name)));
  });
});
