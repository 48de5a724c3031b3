import { TYPES } from "@orders/harness/preview/graph";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { type SubscriptionSpec, subscriptions } from "../../infra/manifest.ts";
import { deployedFunction } from "./app.ts";
import { NAME_RULES, physicalPrefix, prefixName, RANDOM_SUFFIX } from "./naming.ts";

describe.each(STAGES)("SST's physical names on stage %s", (stage) => {
  const graph = loadGraph(stage);
  const named = graph.custom.filter((resource) => resource.type in NAME_RULES);
  const notifier = subscriptions.find((subscription) => subscription.name === "Notifier") as SubscriptionSpec;
  /** Resources the app names itself (infra/queues.ts, physicalNames): no random suffix. */
  const EXPLICIT = new Set(
    named
      .filter((r) => !RANDOM_SUFFIX.test(r.inputs[(NAME_RULES[r.type] as { field: string }).field] as string))
      .map((r) => r.name),
  );

  it("are what the restated naming rules predict, for every named resource", () => {
    // Arrange
    expect(named.length).toBeGreaterThan(20);
    for (const resource of named.filter((r) => !EXPLICIT.has(r.name))) {
      const rule = NAME_RULES[resource.type] as { field: string };
      const actual = resource.inputs[rule.field] as string;
      // Act
      const predicted = physicalPrefix(graph.synth.app.name, stage, resource.type, resource.name);
      // Assert
      expect(actual, `${resource.type} ${resource.name}`).toMatch(RANDOM_SUFFIX);
      expect(actual.replace(RANDOM_SUFFIX, ""), `${resource.type} ${resource.name}`).toBe(predicted);
    }
  });

  it("name the Notifier <app>-<stage>-Notifier(Role), where SST would cut the stage short", () => {
    // Arrange
    const { build, fn, role } = deployedFunction(graph, notifier);
    // Act
    const logGroup = graph.one(TYPES.logGroup, `${build.functionID}LogGroup`);
    // Assert
    expect(EXPLICIT).toEqual(new Set([fn.name, role.name]));
    expect(fn.inputs.name).toBe(`orders-${stage}-Notifier`);
    expect(role.inputs.name).toBe(`orders-${stage}-NotifierRole`);
    expect(logGroup.inputs.name).toBe(`/aws/lambda/orders-${stage}-Notifier`);
    // What SST would have named them: the stage cut on production, outside the deploy role's patterns.
    const sst = physicalPrefix("orders", "production", TYPES.function, fn.name) as string;
    expect(sst.startsWith("production-") || sst.startsWith("orders-production-")).toBe(false);
  });

  it("include the shortened forms the deploy role must allow, on production", () => {
    const names = graph.ofType(TYPES.function).map((fn) => fn.inputs.name as string);
    if (stage === "production") expect(names.some((name) => name.startsWith("production-"))).toBe(true);
    else expect(names.every((name) => name.startsWith(`orders-${stage}-`))).toBe(true);
  });
});

describe("the naming rules", () => {
  it("cut the app, then drop it, then cut the name, as the name grows", () => {
    expect(prefixName("orders", "production", 55, "Short")).toBe("orders-production-Short");
    expect(prefixName("orders", "production", 55, "A".repeat(39))).toBe(`orde-production-${"A".repeat(39)}`);
    expect(prefixName("orders", "production", 55, "A".repeat(43))).toBe(`production-${"A".repeat(43)}`);
    expect(prefixName("orders", "production", 55, "A".repeat(50))).toBe(`prod-${"A".repeat(50)}`);
    expect(prefixName("orders", "production", 55, "A".repeat(60))).toBe("A".repeat(55));
  });
});
