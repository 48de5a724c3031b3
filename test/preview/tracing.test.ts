/**
 * Tracing deployed (issue #18): every function runs with Lambda's active
 * tracing and may write its segments, and only GET /admin/orders/{id}/trace
 * may read traces: X-Ray's two reads, nothing more. Read from the graph SST
 * builds, not from infra/tracing.ts.
 */
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { declaredFunctions, deployedFunction } from "./app.ts";

const WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
const READ = ["xray:BatchGetTraces", "xray:GetTraceSummaries"];
const READER = "packages/functions/src/admin/order-trace.handler";

describe.each(STAGES)("tracing on stage %s, as SST builds it", (stage) => {
  const graph = loadGraph(stage);
  const declared = declaredFunctions();

  it.each(declared)("$label runs with Lambda's active tracing", ({ spec }) => {
    const { fn } = deployedFunction(graph, spec);
    expect(fn.inputs.tracingConfig).toEqual({ mode: "Active" });
  });

  it.each(declared)(
    "$label may write its trace segments, and read traces only if it serves an order's trace",
    ({ spec }) => {
      // Arrange
      const { role } = deployedFunction(graph, spec);
      const statements = graph.policyOf(role.name.replace(/Role$/, ""));
      // Act
      const xray = statements.filter((statement) => statement.Action.some((action) => /^xray:/i.test(action)));
      const actions = xray.flatMap((statement) => statement.Action).sort();
      // Assert: X-Ray's actions take no resource but "*", so the actions are what is least.
      expect(xray.every((statement) => statement.Resource.length === 1 && statement.Resource[0] === "*")).toBe(true);
      expect(xray.every((statement) => statement.Action.every((action) => /^xray:/i.test(action)))).toBe(true);
      expect(actions).toEqual(spec.handler === READER ? [...READ, ...WRITE].sort() : [...WRITE].sort());
    },
  );

  it("has one function that reads traces, and it links nothing else", () => {
    const readers = declared.filter(({ spec }) => {
      const { role } = deployedFunction(graph, spec);
      return graph
        .policyOf(role.name.replace(/Role$/, ""))
        .some((statement) => statement.Action.includes("xray:GetTraceSummaries"));
    });
    expect(readers.map(({ spec }) => spec.handler)).toEqual([READER]);
    expect(readers[0]?.spec.links).toEqual(["AdminToken"]);
  });
});
