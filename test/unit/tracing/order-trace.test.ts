import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from "@aws-sdk/client-xray";
import { XRayTraceReader } from "@orders/core/adapters/xray-trace-reader";
import { InvalidInputError } from "@orders/core/domain/errors";
import { MAX_TRACE_SPANS, orderTraceView, TraceNotFoundError, type TraceSpan } from "@orders/core/domain/trace";
import { readOrderTrace } from "@orders/core/use-cases/trace/read-order-trace";
import { describe, expect, it } from "vitest";
import { batchGetTraces, getTraceSummaries } from "../../../packages/local/src/local-xray.ts";
import type { LocalSpan } from "../../../packages/local/src/trace-spans.ts";
import { TraceStore } from "../../../packages/local/src/trace-store.ts";
import { invokeTraced } from "../../../packages/local/src/traced-invocations.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { xray } = mockedClients({ xray: XRayClient });

const T = "1-675193f0-0123456789abcdef01234567";
const at = 1_765_000_000_000;

/** An order's spans as the local runtime records them: the API, the queue, the processor and its calls, the webhook. */
function recordedOrder(store: TraceStore, orderId: string): void {
  const spans: LocalSpan[] = [
    { traceId: T, name: "ApiPostOrders", kind: "function", start: at, end: at + 30 },
    { traceId: T, name: "SQS.SendMessage", kind: "aws", function: "ApiPostOrders", start: at + 5, end: at + 25 },
    { traceId: T, name: "orders-local-OrdersQueue", kind: "queue", start: at + 25, end: at + 40 },
    { traceId: T, name: "OrdersProcessor", kind: "function", start: at + 40, end: at + 140 },
    { traceId: T, name: "DynamoDB.PutItem", kind: "aws", function: "OrdersProcessor", start: at + 50, end: at + 60 },
    {
      traceId: T,
      name: "POST 127.0.0.1:4000",
      kind: "http",
      function: "OrdersProcessor",
      start: at + 70,
      end: at + 90,
      status: 204,
    },
  ];
  store.add({ spans, orders: [{ traceId: T, orderId }] });
}

/** X-Ray's two reads, answered by the local runtime's stand-in over `store`. */
function xrayOver(store: TraceStore): void {
  const answer = (reply: { status: number; body: Record<string, unknown> }) => {
    if (reply.status !== 200)
      throw Object.assign(new Error(String(reply.body.message)), { name: "InvalidRequestException" });
    return reply.body;
  };
  xray.on(GetTraceSummariesCommand).callsFake((input) =>
    answer(
      getTraceSummaries(
        JSON.stringify({
          ...input,
          StartTime: input.StartTime.getTime() / 1000,
          EndTime: input.EndTime.getTime() / 1000,
        }),
        store,
      ),
    ),
  );
  xray.on(BatchGetTracesCommand).callsFake((input) => answer(batchGetTraces(JSON.stringify(input), store)));
}

describe("an order's trace", () => {
  it("reads the local runtime's spans through the X-Ray adapter, as the deployed route reads X-Ray", async () => {
    // Arrange
    const store = new TraceStore();
    recordedOrder(store, "order-7");
    xrayOver(store);
    // Act
    const view = await readOrderTrace("order-7", {
      traces: new XRayTraceReader(new XRayClient({})),
      now: () => new Date(at + 1000),
    });
    // Assert: the filter named the order's annotation, and every span came back, in order, from the first.
    expect(xray.commandCalls(GetTraceSummariesCommand)[0]?.args[0].input.FilterExpression).toBe(
      'annotation.orderId = "order-7"',
    );
    expect(view).toMatchObject({ orderId: "order-7", traceIds: [T], durationMs: 140, truncated: false });
    expect(view.spans.map((span) => [span.name, span.kind, span.function, span.offsetMs, span.durationMs])).toEqual([
      ["ApiPostOrders", "function", undefined, 0, 30],
      ["SQS.SendMessage", "aws", "ApiPostOrders", 5, 20],
      ["orders-local-OrdersQueue", "queue", undefined, 25, 15],
      ["OrdersProcessor", "function", undefined, 40, 100],
      ["DynamoDB.PutItem", "aws", "OrdersProcessor", 50, 10],
      ["POST 127.0.0.1:4000", "http", "OrdersProcessor", 70, 20],
    ]);
    expect(view.spans.at(-1)?.status).toBe(204);
  });

  it("is 404 TRACE_NOT_FOUND when nothing recorded the order, and 400 for a malformed id", async () => {
    xrayOver(new TraceStore());
    const traces = new XRayTraceReader(new XRayClient({}));
    await expect(readOrderTrace("order-nobody-traced", { traces })).rejects.toBeInstanceOf(TraceNotFoundError);
    await expect(readOrderTrace("../x", { traces })).rejects.toBeInstanceOf(InvalidInputError);
    expect(xray.commandCalls(GetTraceSummariesCommand)).toHaveLength(1);
  });

  it("asks X-Ray for the last 24 hours, reads at most five traces a call, and skips Lambda's own segments", async () => {
    // Arrange: seven traces of the order; each holds Lambda's service segment and its function's.
    const ids = Array.from({ length: 7 }, (_, i) => `1-675193f0-00000000000000000000000${i}`);
    xray.on(GetTraceSummariesCommand).resolves({ TraceSummaries: ids.map((Id) => ({ Id })) });
    xray.on(BatchGetTracesCommand).callsFake(({ TraceIds }: { TraceIds: string[] }) => ({
      Traces: TraceIds.map((Id) => ({
        Id,
        Segments: [
          {
            Id: "a",
            Document: JSON.stringify({ name: "Notifier", origin: "AWS::Lambda", start_time: 1, end_time: 2 }),
          },
          {
            Id: "b",
            Document: JSON.stringify({
              name: "Notifier",
              origin: "AWS::Lambda::Function",
              start_time: 1,
              end_time: 2,
              subsegments: [
                {
                  name: "Invocation",
                  start_time: 1,
                  end_time: 2,
                  subsegments: [
                    {
                      name: "## record",
                      start_time: 1,
                      end_time: 2,
                      subsegments: [
                        {
                          name: "DynamoDB",
                          namespace: "aws",
                          aws: { operation: "GetItem" },
                          start_time: 1.1,
                          end_time: 1.2,
                        },
                      ],
                    },
                  ],
                },
              ],
            }),
          },
        ],
      })),
    }));
    const now = new Date(at);
    // Act
    const spans = await new XRayTraceReader(new XRayClient({})).spansOf("o", {
      from: new Date(at - 86_400_000),
      to: now,
    });
    // Assert
    expect(xray.commandCalls(BatchGetTracesCommand).map((call) => call.args[0].input.TraceIds?.length)).toEqual([5, 2]);
    expect(xray.commandCalls(GetTraceSummariesCommand)[0]?.args[0].input).toMatchObject({
      StartTime: new Date(at - 86_400_000),
      EndTime: now,
    });
    expect(spans).toHaveLength(14);
    expect(spans.slice(0, 2)).toEqual([
      { traceId: ids[0], name: "Notifier", kind: "function", start: 1000, end: 2000 },
      { traceId: ids[0], name: "DynamoDB.GetItem", kind: "aws", function: "Notifier", start: 1100, end: 1200 },
    ]);
  });

  it("shows at most MAX_TRACE_SPANS spans, and says when it left the latest out", () => {
    const spans: TraceSpan[] = Array.from({ length: MAX_TRACE_SPANS + 3 }, (_, i) => ({
      traceId: T,
      name: `s${i}`,
      kind: "aws",
      start: at + i,
      end: at + i + 1,
    }));
    const view = orderTraceView("o", spans.reverse());
    expect(view?.spans).toHaveLength(MAX_TRACE_SPANS);
    expect(view?.spans[0]?.name).toBe("s0");
    expect(view?.truncated).toBe(true);
    expect(view?.durationMs).toBe(MAX_TRACE_SPANS + 3);
  });
});

describe("the local runtime's invocation spans", () => {
  it("gives an SQS batch's invocation to each trace its records carry, with each message's wait on its queue", async () => {
    // Arrange
    const store = new TraceStore();
    for (const [traceId, orderId] of [
      ["1-a-1", "o-1"],
      ["1-a-2", "o-2"],
    ])
      store.add({ spans: [], orders: [{ traceId: String(traceId), orderId: String(orderId) }] });
    const sent = Date.now() - 500;
    const record = (traceId: string) => ({
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:orders-local-OrdersQueue",
      attributes: { AWSTraceHeader: `Root=${traceId};Parent=1;Sampled=1`, SentTimestamp: String(sent) },
    });
    let given: string | undefined;
    // Act
    await invokeTraced(
      "OrdersProcessor",
      { Records: [record("1-a-1"), record("1-a-2"), record("1-a-2")] },
      async (_event, trace) => {
        given = trace;
        return { batchItemFailures: [] };
      },
      store,
    );
    // Assert: the invocation ran in a trace of its own, as Lambda starts one.
    expect(given).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
    for (const orderId of ["o-1", "o-2"]) {
      const [trace] = store.tracesOf(orderId);
      expect(trace?.spans.filter((span) => span.kind === "function").map((span) => span.name)).toEqual([
        "OrdersProcessor",
      ]);
      const waits = trace?.spans.filter((span) => span.kind === "queue") ?? [];
      expect(waits.length).toBeGreaterThan(0);
      expect(waits[0]).toMatchObject({ name: "orders-local-OrdersQueue", start: sent });
    }
  });

  it("records a route's invocation, and its failure, in the invocation's own trace", async () => {
    const store = new TraceStore();
    let traceId: string | undefined;
    await expect(
      invokeTraced(
        "ApiPostOrders",
        { version: "2.0" },
        async (_event, trace) => {
          traceId = /Root=([^;]+)/.exec(trace)?.[1];
          store.add({ spans: [], orders: [{ traceId: String(traceId), orderId: "o-9" }] });
          throw new Error("boom");
        },
        store,
      ),
    ).rejects.toThrow("boom");
    expect(store.tracesOf("o-9")[0]?.spans).toMatchObject([
      { traceId, name: "ApiPostOrders", kind: "function", error: true },
    ]);
  });
});
