import { TYPES } from "@orders/harness/preview/graph";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { browserOrigins, routes, subscriptions, throttling } from "../../infra/manifest.ts";
import { declaredFunctions, deployedFunction } from "./app.ts";

/** AWS's default concurrency per account and Region, less the 100 it never lets anyone reserve. */
const RESERVABLE = 1_000 - 100;

interface RouteSetting {
  routeKey: string;
  throttlingRateLimit?: number;
  throttlingBurstLimit?: number;
}

describe.each(STAGES)("abuse limits on stage %s (issue #16)", (stage) => {
  const graph = loadGraph(stage);
  const stages = graph.ofType(TYPES.apiStage);
  const apiStage = stages[0];

  describe("API Gateway throttling, from the manifest", () => {
    it("throttles every route of the $default stage by the manifest's stage default", () => {
      expect(stages).toHaveLength(1);
      expect(apiStage?.inputs.name).toBe("$default");
      expect(apiStage?.inputs.defaultRouteSettings).toMatchObject({
        throttlingRateLimit: throttling.stage.ratePerSecond,
        throttlingBurstLimit: throttling.stage.burst,
      });
    });

    it("gives exactly the routes with a throttle of their own the manifest's numbers", () => {
      // Arrange
      const expected = routes
        .filter((route) => route.throttle)
        .map((route) => ({
          routeKey: `${route.method} ${route.path}`,
          throttlingRateLimit: route.throttle?.ratePerSecond,
          throttlingBurstLimit: route.throttle?.burst,
        }));
      // Act
      const settings = (apiStage?.inputs.routeSettings ?? []) as RouteSetting[];
      // Assert
      const byKey = (a: RouteSetting, b: RouteSetting) => a.routeKey.localeCompare(b.routeKey);
      expect(
        settings
          .map(({ routeKey, throttlingRateLimit, throttlingBurstLimit }) => ({
            routeKey,
            throttlingRateLimit,
            throttlingBurstLimit,
          }))
          .sort(byKey),
      ).toEqual(expected.sort(byKey));
    });

    it("submits orders and calls operator routes slower than the stage default reads", () => {
      const submit = routes.find((route) => route.method === "POST" && route.path === "/orders");
      expect(submit?.throttle?.ratePerSecond).toBeLessThan(throttling.stage.ratePerSecond);
      for (const route of routes.filter((each) => each.access === "operator")) {
        expect(route.throttle?.ratePerSecond, `${route.method} ${route.path}`).toBeLessThanOrEqual(
          throttling.operator.ratePerSecond,
        );
      }
      expect(throttling.operator.ratePerSecond).toBeLessThan(throttling.stage.ratePerSecond);
    });

    it("creates the stage only after every route: AWS refuses route settings for a route that does not exist yet", () => {
      // Arrange: the mocks record resources in the order Pulumi registers them, after their dependencies.
      const order = graph.synth.resources;
      // Act
      const stageAt = order.findIndex((resource) => resource.type === TYPES.apiStage);
      const lastRouteAt = order.findLastIndex((resource) => resource.type === TYPES.route);
      // Assert
      expect(lastRouteAt).toBeGreaterThan(0);
      expect(stageAt).toBeGreaterThan(lastRouteAt);
    });
  });

  describe("reserved concurrency", () => {
    const declared = declaredFunctions();

    it.each(declared)("$label reserves exactly the manifest's concurrency", ({ spec }) => {
      const { fn } = deployedFunction(graph, spec);
      expect(fn.inputs.reservedConcurrentExecutions).toBe(spec.reservedConcurrency);
    });

    it("reserves for every queue consumer and schedule, and in all far less than the account can reserve", () => {
      const reserved = declared.map(({ spec }) => spec.reservedConcurrency ?? 0);
      for (const { label, spec } of declared.filter(({ label }) => !label.includes(" "))) {
        expect(spec.reservedConcurrency, label).toBeGreaterThan(0);
      }
      expect(reserved.reduce((sum, each) => sum + each, 0)).toBeLessThanOrEqual(RESERVABLE / 10);
    });

    it.each(subscriptions)(
      "$name's event source takes at most $maximumConcurrency batches at once, within its reservation",
      (subscription) => {
        // Arrange
        const { fn } = deployedFunction(graph, subscription);
        // Act
        const [mapping] = graph.ofType(TYPES.eventSourceMapping).filter((m) => m.inputs.functionName === fn.state.arn);
        // Assert: over the reservation, the mapping's invocations would be throttled and use up receives.
        expect(mapping?.inputs.scalingConfig).toEqual({ maximumConcurrency: subscription.maximumConcurrency });
        expect(subscription.maximumConcurrency).toBeGreaterThanOrEqual(2);
        expect(subscription.reservedConcurrency ?? Infinity).toBeGreaterThanOrEqual(subscription.maximumConcurrency);
      },
    );
  });

  describe("CORS", () => {
    const cors = graph.one(TYPES.api, "OrdersApiApi").inputs.corsConfiguration as {
      allowOrigins?: string[];
      allowCredentials?: boolean;
    };

    it("lets no origin but the stage's listed browser apps call the API cross-origin, admin routes included", () => {
      expect(cors.allowOrigins ?? []).toEqual([...(browserOrigins[stage] ?? [])]);
      expect(cors.allowOrigins ?? []).not.toContain("*");
      expect(cors.allowCredentials ?? false).toBe(false);
    });
  });
});
