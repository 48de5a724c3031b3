import type { SagaLogEntry, SagaStep } from "@orders/core/domain/fulfilment";
import type { OrderRecord } from "@orders/core/domain/order";
import { eventIdOf, orderEventsOf, parseOrderEvent } from "@orders/core/domain/order-events";
import { anOrderRecord } from "@orders/harness/factories";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const entry = (step: SagaStep, at: string): SagaLogEntry => ({ step, outcome: "X", attempt: 1, at });

function record(overrides: Partial<OrderRecord>): OrderRecord {
  return anOrderRecord({ amountCents: 2580, resolvedAt: "2026-12-02T10:00:09.000Z", ...overrides });
}

describe("the events an order implies", () => {
  it("are none while the order runs, and none for one that never ran", () => {
    for (const status of ["PENDING", "CANCELLING", "REJECTED"] as const) {
      expect(orderEventsOf(record({ status }))).toEqual([]);
    }
    expect(orderEventsOf(record({ isDuplicate: true }))).toEqual([]);
    expect(orderEventsOf(record({ valid: false }))).toEqual([]);
  });

  it("announce a confirmation at the time the saga log first confirmed it, with the order as confirmed", () => {
    const confirmed = record({
      status: "CONFIRMED",
      saga: [entry("confirm", "2026-12-02T10:00:05.000Z"), entry("confirm", "2026-12-02T10:00:07.000Z")],
    });
    const [event, ...rest] = orderEventsOf(confirmed);
    expect(rest).toEqual([]);
    expect(event).toEqual({
      eventId: eventIdOf(confirmed.orderId, "OrderConfirmed"),
      type: "OrderConfirmed",
      orderId: confirmed.orderId,
      occurredAt: "2026-12-02T10:00:05.000Z",
      order: { id: confirmed.orderId, status: "CONFIRMED", amount: 25.8, fromAccount: "1111111", toAccount: "7777777" },
    });
  });

  it("announce a failure with its code", () => {
    const failed = record({
      status: "FAILED",
      failure: { code: "OUT_OF_STOCK", message: "short", details: [] },
    });
    const [event] = orderEventsOf(failed);
    expect(event).toMatchObject({
      type: "OrderFailed",
      occurredAt: failed.resolvedAt,
      order: { status: "FAILED", failure: { code: "OUT_OF_STOCK", message: "short" } },
    });
  });

  it("announce a refunded cancellation as a confirmation then a cancellation, with the same confirmation as before", () => {
    const confirmed = record({ status: "CONFIRMED", saga: [entry("confirm", "2026-12-02T10:00:05.000Z")] });
    const cancelled: OrderRecord = {
      ...confirmed,
      status: "CANCELLED",
      refunded: true,
      cancellation: { reason: "changed my mind", requestedAt: "2026-12-02T11:00:00.000Z" },
      resolvedAt: "2026-12-02T11:00:03.000Z",
      saga: [
        ...(confirmed.saga ?? []),
        entry("confirm", "2026-12-02T11:00:01.000Z"),
        entry("cancel", "2026-12-02T11:00:02.000Z"),
      ],
    };
    const [first] = orderEventsOf(confirmed);
    const events = orderEventsOf(cancelled);
    expect(events.map((event) => event.type)).toEqual(["OrderConfirmed", "OrderCancelled"]);
    // Published again after the cancellation, the confirmation is the very same event.
    expect(events[0]).toEqual(first);
    expect(events[1]).toMatchObject({
      occurredAt: "2026-12-02T11:00:02.000Z",
      order: { status: "CANCELLED", refunded: true, cancellation: { reason: "changed my mind" } },
    });
  });

  it("announce a cancellation that was never paid as a cancellation only", () => {
    const events = orderEventsOf(record({ status: "CANCELLED", saga: [entry("fail", "2026-12-02T10:00:01.000Z")] }));
    expect(events.map((event) => event.type)).toEqual(["OrderCancelled"]);
    expect(events[0]?.order).toMatchObject({ refunded: false });
  });

  it("have ids that depend on the order and the type only, and differ between them", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(eventIdOf(a, "OrderConfirmed")).toBe(eventIdOf(a, "OrderConfirmed"));
        expect(eventIdOf(a, "OrderConfirmed")).not.toBe(eventIdOf(a, "OrderCancelled"));
        if (a !== b) expect(eventIdOf(a, "OrderFailed")).not.toBe(eventIdOf(b, "OrderFailed"));
        expect(eventIdOf(a, "OrderFailed")).toMatch(/^evt_[0-9a-f]{32}$/);
      }),
    );
  });

  it("read back from a queue body as they were published; anything else is a poison message", () => {
    const [event] = orderEventsOf(record({ status: "CONFIRMED" }));
    expect(parseOrderEvent(JSON.stringify(event))).toEqual(event);
    expect(() => parseOrderEvent("not json")).toThrow(expect.objectContaining({ code: "POISON_MESSAGE" }));
    expect(() => parseOrderEvent(JSON.stringify({ ...event, eventId: "evt_x" }))).toThrow(
      expect.objectContaining({ code: "POISON_MESSAGE" }),
    );
  });
});
