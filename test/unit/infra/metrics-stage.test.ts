import { afterEach, describe, expect, it } from "vitest";
import { countFailure, metrics } from "../../../packages/functions/src/metrics.ts";

describe("custom metrics (packages/functions/src/metrics.ts)", () => {
  afterEach(() => metrics.clearMetrics());

  it("carry the stage from Resource.App, the dimension infra/alarms.ts filters on", () => {
    // Arrange: the unit tier links App as { name: "orders", stage: "test" }.
    countFailure();
    // Act: the EMF document Powertools would print.
    const document = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
    };
    // Assert
    const [directive] = document._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe("orders");
    expect(directive?.Dimensions).toEqual([["service", "stage"]]);
    expect(document).toMatchObject({ service: "orders", stage: "test", ProcessingFailures: 1 });
  });
});
