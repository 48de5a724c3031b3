import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import { tracedWebhookSender } from "../../../packages/functions/src/composition/traced-webhook-sender.ts";
import {
  annotateOrder,
  currentTraceId,
  inRecordTrace,
  ORDER_ANNOTATIONS,
  tracer,
} from "../../../packages/functions/src/composition/tracing.ts";

const INVOCATION = "Root=1-675193f0-aaaaaaaaaaaaaaaaaaaaaaaa;Parent=1111111111111111;Sampled=1";
const CARRIED = "Root=1-675193f0-bbbbbbbbbbbbbbbbbbbbbbbb;Parent=2222222222222222;Sampled=1";

afterEach(() => {
  delete process.env._X_AMZN_TRACE_ID;
});

describe("the handlers' trace context", () => {
  it("loads no tracer off Lambda: Powertools Tracer costs nothing in tests and locally", () => {
    expect(tracer).toBeUndefined();
  });

  it("runs a queue record's work in the trace its message carries, else in the invocation's", async () => {
    // Arrange
    process.env._X_AMZN_TRACE_ID = INVOCATION;
    // Act
    const carried = await inRecordTrace({ attributes: { AWSTraceHeader: CARRIED } }, async () => currentTraceId());
    const own = await inRecordTrace({ attributes: {} }, async () => currentTraceId());
    // Assert
    expect(carried).toBe("1-675193f0-bbbbbbbbbbbbbbbbbbbbbbbb");
    expect(own).toBe("1-675193f0-aaaaaaaaaaaaaaaaaaaaaaaa");
    expect(currentTraceId()).toBe("1-675193f0-aaaaaaaaaaaaaaaaaaaaaaaa");
  });

  it("keeps two records of one batch apart while they run at once", async () => {
    const seen = await Promise.all(
      [CARRIED, INVOCATION].map((header) =>
        inRecordTrace({ attributes: { AWSTraceHeader: header } }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return currentTraceId();
        }),
      ),
    );
    expect(seen).toEqual(["1-675193f0-bbbbbbbbbbbbbbbbbbbbbbbb", "1-675193f0-aaaaaaaaaaaaaaaaaaaaaaaa"]);
  });

  it("tells a listening host which trace is the order's", async () => {
    // Arrange
    const heard: unknown[] = [];
    const listen = (message: unknown) => heard.push(message);
    subscribe(ORDER_ANNOTATIONS, listen);
    try {
      // Act
      await inRecordTrace({ attributes: { AWSTraceHeader: CARRIED } }, async () => annotateOrder("order-1"));
      annotateOrder("order-untraced");
    } finally {
      unsubscribe(ORDER_ANNOTATIONS, listen);
    }
    // Assert: outside any trace there is nothing to tell.
    expect(heard).toEqual([{ traceId: "1-675193f0-bbbbbbbbbbbbbbbbbbbbbbbb", orderId: "order-1" }]);
  });

  it("puts the trace id on a webhook POST beside the signature and the event id, and nothing outside a trace", async () => {
    // Arrange
    const posted: Record<string, string>[] = [];
    const sender = tracedWebhookSender({
      post: async (_url, _body, headers) => {
        posted.push(headers);
        return { status: 204 };
      },
    });
    const headers = { "orders-signature": "t=1,v1=x", "orders-event-id": "evt_1" };
    // Act
    await inRecordTrace({ attributes: { AWSTraceHeader: CARRIED } }, () => sender.post("https://h/", "{}", headers));
    await sender.post("https://h/", "{}", headers);
    // Assert
    expect(posted).toEqual([{ ...headers, "orders-trace-id": "1-675193f0-bbbbbbbbbbbbbbbbbbbbbbbb" }, headers]);
  });
});
