import { PoisonMessageError } from "@orders/core/domain/errors";
import { parseOrderMessage } from "@orders/core/domain/order-message";
import { parseQueueMessage } from "@orders/core/domain/queue-message";
import { anOrderMessage } from "@orders/harness/factories";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("queue message parsing", () => {
  it("reads a message the API wrote", () => {
    const message = anOrderMessage();
    expect(parseOrderMessage(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    ["not JSON", "{not json"],
    ["no submission id", JSON.stringify({ ...anOrderMessage(), submissionId: undefined })],
    ["no order id", JSON.stringify({ ...anOrderMessage(), order: { amount: 1 } })],
    ["an id with a slash", JSON.stringify(anOrderMessage({ id: "../etc/passwd" }))],
    ["a JSON array", "[]"],
  ])("calls a message with %s poison", (_name, body) => {
    expect(() => parseOrderMessage(body)).toThrow(PoisonMessageError);
  });

  it("either parses or throws PoisonMessageError for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
        try {
          parseOrderMessage(body);
          return true;
        } catch (error) {
          return error instanceof PoisonMessageError;
        }
      }),
    );
  });

  it("reads a cancellation beside the submissions, and calls a malformed one poison", () => {
    const cancel = {
      kind: "cancel",
      orderId: "order-1",
      reason: "changed my mind",
      requestedAt: new Date().toISOString(),
    };
    expect(parseQueueMessage(JSON.stringify(cancel))).toEqual({ kind: "cancel", message: cancel });
    expect(parseQueueMessage(JSON.stringify(anOrderMessage())).kind).toBe("order");
    expect(() => parseQueueMessage(JSON.stringify({ ...cancel, orderId: "../x" }))).toThrow(PoisonMessageError);
    expect(() => parseOrderMessage(JSON.stringify(cancel))).toThrow(PoisonMessageError);
  });
});
