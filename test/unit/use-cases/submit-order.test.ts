import { BodyNotObjectError, ForbiddenError, InvalidInputError } from "@orders/core/domain/errors";
import { submitOrder } from "@orders/core/use-cases/submit-order";
import { anOrder, TEST_OPERATOR } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
import { InMemoryOrderQueue } from "../../helpers/fakes.ts";

const fixedClock = { now: () => new Date("2026-01-02T03:04:05.000Z") };

describe("submitOrder", () => {
  it("queues the order as sent, stamped with a submission id, time and channel", async () => {
    // Arrange
    const queue = new InMemoryOrderQueue();
    const order = anOrder({ channel: "atm", extra: { nested: true } });
    // Act
    const result = await submitOrder(
      { caller: TEST_OPERATOR, body: order },
      { queue, clock: fixedClock, newSubmissionId: () => "sub-1" },
    );
    // Assert
    expect(result).toEqual({ id: order.id, submissionId: "sub-1", status: "QUEUED" });
    expect(queue.messages).toEqual([
      {
        submissionId: "sub-1",
        receivedAt: "2026-01-02T03:04:05.000Z",
        channel: "atm",
        order,
        submittedBy: "operator:test-operator",
      },
    ]);
  });

  it("gives every submission a fresh submission id", async () => {
    const queue = new InMemoryOrderQueue();
    const order = anOrder();
    const first = await submitOrder({ caller: TEST_OPERATOR, body: order }, { queue });
    const second = await submitOrder({ caller: TEST_OPERATOR, body: order }, { queue });
    expect(first.submissionId).not.toBe(second.submissionId);
    expect(first.submissionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts an order whose business fields are wrong: the processor judges them", async () => {
    const queue = new InMemoryOrderQueue();
    await submitOrder({ caller: TEST_OPERATOR, body: { id: "bad-amount", amount: -5 } }, { queue });
    expect(queue.messages).toHaveLength(1);
  });

  it.each([
    ["the body's channel", { channel: "mobile" }, "atm", "mobile"],
    ["the header when the body has none", {}, "ATM", "atm"],
    ["the header when the body's channel is unknown", { channel: "fax" }, "web", "web"],
    ["api by default", {}, undefined, "api"],
  ])("takes %s", async (_name, change, header, expected) => {
    const queue = new InMemoryOrderQueue();
    const order = anOrder(change);
    if (!("channel" in change)) delete order.channel;
    await submitOrder({ caller: TEST_OPERATOR, body: order, channelHeader: header }, { queue });
    expect(queue.messages[0]?.channel).toBe(expected);
  });

  it("refuses an unknown X-Channel header", async () => {
    const queue = new InMemoryOrderQueue();
    const order = anOrder();
    delete order.channel;
    await expect(submitOrder({ caller: TEST_OPERATOR, body: order, channelHeader: "fax" }, { queue })).rejects.toThrow(
      InvalidInputError,
    );
    expect(queue.messages).toHaveLength(0);
  });

  it.each([[null], [[1, 2]], ["text"], [42]])("refuses a body that is not an object: %j", async (body) => {
    const queue = new InMemoryOrderQueue();
    await expect(submitOrder({ caller: TEST_OPERATOR, body }, { queue })).rejects.toThrow(BodyNotObjectError);
    expect(queue.messages).toHaveLength(0);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["too long", "x".repeat(65)],
    ["with a slash", "a/b"],
    ["with a space", "a b"],
    ["unicode", "pedido-ñ"],
    ["a number", 42],
  ])("refuses an id that is %s, with details", async (_name, id) => {
    const queue = new InMemoryOrderQueue();
    const error = await submitOrder({ caller: TEST_OPERATOR, body: { id } }, { queue }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).details?.[0]?.field).toBe("id");
    expect(queue.messages).toHaveLength(0);
  });

  describe("who may pay", () => {
    const customer = { kind: "customer", subject: "alice", account: "1111111" } as const;

    it("queues a customer's order from its own account, stamped with who submitted it", async () => {
      const queue = new InMemoryOrderQueue();
      await submitOrder({ caller: customer, body: anOrder({ id: "1111111-a", fromAccount: "1111111" }) }, { queue });
      expect(queue.messages[0]?.submittedBy).toBe("customer:alice");
    });

    it.each([
      ["another account", "2222222"],
      ["no account", undefined],
      ["a number", 1111111],
    ])("refuses a customer paying from %s, and queues nothing", async (_name, fromAccount) => {
      const queue = new InMemoryOrderQueue();
      const order = anOrder({ fromAccount });
      await expect(submitOrder({ caller: customer, body: order }, { queue })).rejects.toThrow(ForbiddenError);
      expect(queue.messages).toHaveLength(0);
    });

    it("lets a channel submit for any payer, stamped with the channel", async () => {
      const queue = new InMemoryOrderQueue();
      const caller = { kind: "channel", subject: "atm-network" } as const;
      await submitOrder({ caller, body: anOrder({ fromAccount: "2222222" }) }, { queue });
      expect(queue.messages[0]?.submittedBy).toBe("channel:atm-network");
    });
  });
});
