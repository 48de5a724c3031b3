import { createOrderValidator } from "@orders/core/domain/validation";
import { processOrder } from "@orders/core/use-cases/process-order";
import { anOrder, anOrderMessage } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
import { failing, InMemoryOrderArchive, InMemoryOrderRepository } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger, InMemoryStockLedger } from "../../helpers/ledger-fakes.ts";
import { InMemoryEventPublisher } from "../../helpers/notification-fakes.ts";

function setup() {
  const repository = new InMemoryOrderRepository();
  const archive = new InMemoryOrderArchive();
  const stock = new InMemoryStockLedger();
  const accounts = new InMemoryAccountLedger().fund("1111111", 1_000_000).fund("7777777", 0);
  const events = new InMemoryEventPublisher();
  const deps = { repository, archive, validate: createOrderValidator(), stock, accounts, events };
  return { repository, archive, deps, stock, accounts, events };
}

describe("processOrder", () => {
  it("records a valid first submission as the original, archives its JSON and confirms it", async () => {
    // Arrange
    const { repository, archive, deps } = setup();
    const message = anOrderMessage();
    // Act
    const result = await processOrder(message, deps);
    // Assert
    expect(result.outcome).toBe("original");
    const saved = repository.originals.get(message.order.id);
    expect(saved).toMatchObject({
      submissionId: message.submissionId,
      valid: true,
      isDuplicate: false,
      status: "CONFIRMED",
      errors: [],
      amount: 2580,
      s3Key: `orders/${message.order.id}.json`,
    });
    expect(JSON.parse(archive.objects.get(`orders/${message.order.id}.json`) ?? "null")).toEqual(message.order);
  });

  it("records an invalid order as rejected, with its reasons, and archives nothing", async () => {
    const { repository, archive, deps } = setup();
    const message = anOrderMessage(anOrder({ amount: -5 }));
    await processOrder(message, deps);
    const saved = repository.originals.get(message.order.id);
    expect(saved).toMatchObject({ valid: false, isDuplicate: false, status: "REJECTED", amount: -5 });
    expect(saved?.errors).toEqual([expect.objectContaining({ field: "amount", code: "too_small" })]);
    expect(saved?.s3Key).toBeUndefined();
    expect(archive.objects.size).toBe(0);
  });

  it("records a later submission of the same id as a duplicate, saying whether it matches", async () => {
    const { repository, archive, deps } = setup();
    const order = anOrder();
    await processOrder(anOrderMessage(order), deps);
    const same = anOrderMessage({ ...order });
    const changed = anOrderMessage({ ...order, amount: 99 });
    // Act
    const first = await processOrder(same, deps);
    const second = await processOrder(changed, deps);
    // Assert
    expect(first.outcome).toBe("duplicate");
    expect(second.outcome).toBe("duplicate");
    const history = await repository.findHistory(order.id);
    expect(history?.duplicates).toHaveLength(2);
    expect(first.record).toMatchObject({ isDuplicate: true, status: "DUPLICATE", sameAsOriginal: true });
    expect(second.record).toMatchObject({ isDuplicate: true, status: "DUPLICATE", sameAsOriginal: false });
    expect(archive.puts).toBe(1);
    expect(JSON.parse(archive.objects.get(`orders/${order.id}.json`) ?? "null")).toEqual(order);
  });

  it("treats key order as the same payload", async () => {
    const { deps } = setup();
    const order = anOrder();
    await processOrder(anOrderMessage(order), deps);
    const reordered = Object.fromEntries(Object.entries(order).reverse()) as typeof order;
    const result = await processOrder(anOrderMessage(reordered), deps);
    expect(result.record.sameAsOriginal).toBe(true);
  });

  it("changes no record when the same submission is delivered again", async () => {
    const { repository, deps } = setup();
    const message = anOrderMessage();
    await processOrder(message, deps);
    const before = structuredClone(repository.originals.get(message.order.id));
    // Act
    const again = await processOrder(message, { ...deps, clock: { now: () => new Date(Date.now() + 60_000) } });
    // Assert
    expect(again.outcome).toBe("redelivered");
    expect(repository.originals.get(message.order.id)).toEqual(before);
    expect(repository.duplicates.size).toBe(0);
  });

  it("redelivery of a duplicate adds no second duplicate record", async () => {
    const { repository, deps } = setup();
    const order = anOrder();
    await processOrder(anOrderMessage(order), deps);
    const duplicate = anOrderMessage({ ...order });
    await processOrder(duplicate, deps);
    await processOrder(duplicate, deps);
    expect(repository.duplicates.size).toBe(1);
  });

  it("finishes the archive on redelivery when the first attempt failed after the record", async () => {
    // Arrange
    const { repository, archive, deps } = setup();
    const message = anOrderMessage();
    await expect(processOrder(message, { ...deps, archive: failing(archive, "put") })).rejects.toThrow();
    expect(repository.originals.has(message.order.id)).toBe(true);
    expect(archive.objects.size).toBe(0);
    // Act
    const retry = await processOrder(message, deps);
    // Assert: the redelivery ran the saga the first attempt never reached, so it is the run that ended the order.
    expect(retry).toMatchObject({ outcome: "redelivered", endedHere: true });
    expect(archive.objects.has(`orders/${message.order.id}.json`)).toBe(true);
    // And the next redelivery finds it ended: not this run's outcome to count.
    expect(await processOrder(message, deps)).toMatchObject({ outcome: "redelivered", endedHere: false });
  });

  it("lets a table failure propagate so the message is retried", async () => {
    const { repository, deps } = setup();
    await expect(
      processOrder(anOrderMessage(), { ...deps, repository: failing(repository, "claimOriginal") }),
    ).rejects.toThrow("boom");
  });

  it("makes exactly one original out of concurrent submissions of one id", async () => {
    const { repository, deps } = setup();
    const order = anOrder();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => processOrder(anOrderMessage({ ...order }), deps)),
    );
    expect(results.filter((result) => result.outcome === "original")).toHaveLength(1);
    expect(repository.duplicates.size).toBe(19);
  });

  it("publishes the outcome last; a crash before the publish is redelivered and publishes the same event", async () => {
    // Arrange: the order is confirmed, then the publish fails (the process dies there).
    const { repository, deps, events, accounts } = setup();
    const message = anOrderMessage();
    events.failNext = 1;
    await expect(processOrder(message, deps)).rejects.toThrow("publish failed");
    expect(repository.originals.get(message.order.id)?.status).toBe("CONFIRMED");
    const paid = accounts.accounts.get("7777777")?.balance;
    // Act: SQS redelivers the message.
    const retry = await processOrder(message, deps, 2);
    await processOrder(message, deps, 3);
    // Assert: the one event, published on each delivery that found the order ended; no effect twice.
    expect(retry.outcome).toBe("redelivered");
    expect(events.published.map((event) => event.type)).toEqual(["OrderConfirmed", "OrderConfirmed"]);
    expect(new Set(events.published.map((event) => event.eventId)).size).toBe(1);
    expect(events.published[0]).toEqual(events.published[1]);
    expect(accounts.accounts.get("7777777")?.balance).toBe(paid);
  });

  it("publishes nothing for a duplicate or an invalid order", async () => {
    const { deps, events } = setup();
    const order = anOrder();
    await processOrder(anOrderMessage(order), deps);
    await processOrder(anOrderMessage({ ...order }), deps);
    await processOrder(anOrderMessage(anOrder({ amount: -1 })), deps);
    expect(events.published.map((event) => event.orderId)).toEqual([order.id]);
  });
});
