import { describe, expect, it } from "vitest";
import type { LocalSpan } from "../../../packages/local/src/trace-spans.ts";
import { TraceStore } from "../../../packages/local/src/trace-store.ts";

const span = (traceId: string, name = "OrdersProcessor", start = 1_000): LocalSpan => ({
  traceId,
  name,
  kind: "function",
  start,
  end: start + 5,
});

describe("the local runtime's trace store", () => {
  it("keeps the spans of a trace an order annotated, found by the order", () => {
    // Arrange
    const store = new TraceStore();
    // Act: the annotation and the spans come in one report, the spans first as the worker recorded them.
    store.add({ spans: [span("t1", "SQS.SendMessage")], orders: [{ traceId: "t1", orderId: "o-1" }] });
    store.addSpans([span("t1", "ApiPostOrders")]);
    // Assert
    expect(store.tracesOf("o-1").map((trace) => trace.spans.map((s) => s.name))).toEqual([
      ["SQS.SendMessage", "ApiPostOrders"],
    ]);
  });

  it("keeps nothing of a trace no order annotated (a GET, a health check)", () => {
    const store = new TraceStore();
    store.add({ spans: [span("t-get", "ApiGetOrdersId")], orders: [] });
    expect(store.size).toBe(0);
    expect(store.get("t-get")).toBeUndefined();
  });

  it("finds every trace of an order: its POST's, and a sweeper's that ended it", () => {
    const store = new TraceStore();
    store.add({ spans: [span("t1")], orders: [{ traceId: "t1", orderId: "o-1" }] });
    store.add({ spans: [span("t2")], orders: [{ traceId: "t2", orderId: "o-1" }] });
    store.add({ spans: [span("t3")], orders: [{ traceId: "t3", orderId: "o-2" }] });
    expect(store.tracesOf("o-1").map((trace) => trace.traceId)).toEqual(["t1", "t2"]);
  });

  it("holds at most maxTraces traces, dropping the oldest and its order's index with it", () => {
    // Arrange
    const store = new TraceStore({ maxTraces: 3 });
    // Act
    for (let i = 0; i < 5; i++)
      store.add({ spans: [span(`t${i}`)], orders: [{ traceId: `t${i}`, orderId: `o-${i}` }] });
    // Assert
    expect(store.size).toBe(3);
    expect(store.tracesOf("o-0")).toEqual([]);
    expect(store.tracesOf("o-1")).toEqual([]);
    expect(store.tracesOf("o-4")).toHaveLength(1);
  });

  it("holds at most maxSpansPerTrace spans of a trace, counting those it drops", () => {
    const store = new TraceStore({ maxSpansPerTrace: 2 });
    store.add({ spans: [span("t1"), span("t1"), span("t1"), span("t1")], orders: [{ traceId: "t1", orderId: "o" }] });
    expect(store.get("t1")).toMatchObject({ dropped: 2 });
    expect(store.get("t1")?.spans).toHaveLength(2);
  });
});
