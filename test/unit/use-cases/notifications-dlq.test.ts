import { type FailureRecord, messageKeyOf } from "@orders/core/domain/dead-letter";
import type { NotificationRecord } from "@orders/core/domain/notification";
import { orderEventsOf } from "@orders/core/domain/order-events";
import type { FailureLog, NotificationRecords } from "@orders/core/ports";
import { listNotificationDeadLetters } from "@orders/core/use-cases/notify/list-notification-dead-letters";
import { redriveNotifications } from "@orders/core/use-cases/notify/redrive-notifications";
import { anOrderRecord } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
import { aDeadLetter, InMemoryRedriveQueues } from "../../helpers/dead-letter-fakes.ts";
import { InMemoryNotificationLog } from "../../helpers/notification-fakes.ts";

/** A confirmed order's event, and the body the Notifier's queue carried it in. */
function anEvent(fromAccount = "1111111") {
  const [event] = orderEventsOf(anOrderRecord({ fromAccount, status: "CONFIRMED" }));
  if (!event) throw new Error("a confirmed order implies an event");
  return { event, body: JSON.stringify(event) };
}

/** Delivery records by (order, event), read as the adapter reads them; counts its reads. */
function recordsOf(records: NotificationRecord[]) {
  const reads: number[] = [];
  const notifications: NotificationRecords = {
    find: async (keys) => {
      reads.push(keys.length);
      return records.filter((r) => keys.some((k) => k.orderId === r.orderId && k.eventId === r.eventId));
    },
  };
  return { notifications, reads };
}

/** The failure log in memory: each recorded attempt adds to its message's record, as the table's does. */
function failuresOf(): FailureLog & { reads: number } {
  const records = new Map<string, FailureRecord>();
  return {
    reads: 0,
    async record(report) {
      const before = records.get(report.messageKey);
      records.set(report.messageKey, {
        ...report,
        attempts: (before?.attempts ?? 0) + 1,
        firstFailedAt: before?.firstFailedAt ?? report.at,
        lastFailedAt: report.at,
      });
    },
    async find(keys) {
      this.reads++;
      return new Map(keys.flatMap((key) => (records.has(key) ? [[key, records.get(key) as FailureRecord]] : [])));
    },
  };
}

function failedRecord(event: ReturnType<typeof anEvent>["event"], accountId: string): NotificationRecord {
  return {
    orderId: event.orderId,
    eventId: event.eventId,
    type: event.type,
    accountId,
    status: "FAILED",
    attempts: 10,
    occurredAt: event.occurredAt,
    lastAttemptAt: "2026-12-05T09:59:00.000Z",
    lastError: "The webhook answered 503",
  };
}

describe("listNotificationDeadLetters", () => {
  it("shows each waiting event with its payer, tries and last error, oldest first, in one read of the records", async () => {
    // Arrange
    const failed = anEvent("1111111");
    const unrecorded = anEvent("2222222");
    const queues = new InMemoryRedriveQueues([
      aDeadLetter("m-2", unrecorded.body, "2026-12-05T10:00:02.000Z"),
      aDeadLetter("m-1", failed.body, "2026-12-05T10:00:01.000Z"),
    ]);
    const { notifications, reads } = recordsOf([failedRecord(failed.event, "1111111")]);
    // Act
    const page = await listNotificationDeadLetters(
      { limit: 50 },
      { deadLetters: queues.deadLetters, notifications, failures: failuresOf() },
    );
    // Assert
    expect(page.depth).toBe(2);
    expect(page.messages).toEqual([
      {
        messageId: "m-1",
        sentAt: "2026-12-05T10:00:01.000Z",
        receiveCount: 10,
        event: {
          orderId: failed.event.orderId,
          eventId: failed.event.eventId,
          type: "OrderConfirmed",
          occurredAt: failed.event.occurredAt,
        },
        accountId: "1111111",
        delivery: {
          status: "FAILED",
          attempts: 10,
          lastError: "The webhook answered 503",
          lastAttemptAt: "2026-12-05T09:59:00.000Z",
          deliveredAt: undefined,
          responseStatus: undefined,
        },
      },
      expect.objectContaining({ messageId: "m-2", accountId: "2222222", event: expect.any(Object) }),
    ]);
    expect(page.messages[1]).not.toHaveProperty("delivery");
    expect(reads).toEqual([2]);
    expect(page.cursor).toBeUndefined();
  });

  it("names a body that is no order event, with the body, and reads no record for it", async () => {
    // Arrange
    const queues = new InMemoryRedriveQueues([aDeadLetter("m-1", '{"hello":"world"}')]);
    const { notifications, reads } = recordsOf([]);
    // Act
    const page = await listNotificationDeadLetters(
      { limit: 50 },
      { deadLetters: queues.deadLetters, notifications, failures: failuresOf() },
    );
    // Assert
    expect(page.messages).toEqual([
      expect.objectContaining({
        messageId: "m-1",
        problem: "The message is not an order event",
        body: '{"hello":"world"}',
      }),
    ]);
    expect(page.messages[0]).not.toHaveProperty("event");
    expect(reads).toEqual([]);
  });

  it("shows the Notifier's recorded reason, the only one for a message that failed before any send", async () => {
    // Arrange: an event the order does not imply (EVENT_NOT_IMPLIED), never sent, so no delivery record.
    const stray = anEvent("3333333");
    const queues = new InMemoryRedriveQueues([aDeadLetter("m-1", stray.body)]);
    const failures = failuresOf();
    for (const at of ["2026-12-05T10:00:00.000Z", "2026-12-05T10:05:00.000Z"]) {
      await failures.record({
        messageKey: messageKeyOf(stray.body),
        code: "EVENT_NOT_IMPLIED",
        message: "The order does not imply this event",
        at,
      });
    }
    // Act
    const page = await listNotificationDeadLetters(
      { limit: 50 },
      { deadLetters: queues.deadLetters, notifications: recordsOf([]).notifications, failures },
    );
    // Assert: the reason, its tries and when, in one read of the log.
    expect(page.messages[0]).not.toHaveProperty("delivery");
    expect(page.messages[0]?.failure).toEqual({
      code: "EVENT_NOT_IMPLIED",
      message: "The order does not imply this event",
      attempts: 2,
      firstFailedAt: "2026-12-05T10:00:00.000Z",
      lastFailedAt: "2026-12-05T10:05:00.000Z",
    });
    expect(failures.reads).toBe(1);
  });

  it("pages through the queue with a cursor", async () => {
    // Arrange
    const letters = Array.from({ length: 5 }, (_, i) =>
      aDeadLetter(`m-${i}`, anEvent().body, `2026-12-05T10:00:0${i}.000Z`),
    );
    const queues = new InMemoryRedriveQueues(letters);
    const deps = {
      deadLetters: queues.deadLetters,
      notifications: recordsOf([]).notifications,
      failures: failuresOf(),
    };
    // Act
    const first = await listNotificationDeadLetters({ limit: 2 }, deps);
    const last = await listNotificationDeadLetters({ limit: 2, cursor: "4" }, deps);
    // Assert
    expect(first.messages.map((m) => m.messageId)).toEqual(["m-0", "m-1"]);
    expect(first.cursor).toBe("2");
    expect(last.messages.map((m) => m.messageId)).toEqual(["m-4"]);
    expect(last.cursor).toBeUndefined();
  });
});

describe("redriveNotifications", () => {
  it("sends each chosen event back unchanged, then deletes it, and audits the move to NotificationsQueue", async () => {
    // Arrange
    const a = anEvent();
    const b = anEvent();
    const queues = new InMemoryRedriveQueues([aDeadLetter("m-a", a.body), aDeadLetter("m-b", b.body)]);
    const deps = { deadLetters: queues.deadLetters, sender: queues.sender, audit: queues.auditLog };
    // Act
    const results = await redriveNotifications({ ids: ["m-a", "gone"], actor: "operator:test" }, deps);
    // Assert
    expect(results).toEqual([
      { messageId: "gone", status: "NOT_FOUND" },
      { messageId: "m-a", status: "REDRIVEN", newMessageId: "new-1", orderId: a.event.orderId },
    ]);
    expect(queues.sent).toEqual([a.body]);
    expect([...queues.letters.keys()]).toEqual(["m-b"]);
    expect(queues.audit).toEqual([
      expect.objectContaining({
        action: "REDRIVE",
        actor: "operator:test",
        oldMessageId: "m-a",
        newMessageId: "new-1",
        orderId: a.event.orderId,
        result: "OK",
        detail: "to NotificationsQueue",
      }),
    ]);
  });

  it("loses nothing when it dies between the send and the delete: the event is in both queues", async () => {
    // Arrange
    const a = anEvent();
    const queues = new InMemoryRedriveQueues([aDeadLetter("m-a", a.body)]);
    queues.failDelete = 1;
    const deps = { deadLetters: queues.deadLetters, sender: queues.sender, audit: queues.auditLog };
    // Act
    const redrive = redriveNotifications({ all: true, actor: "operator:test" }, deps);
    // Assert
    await expect(redrive).rejects.toThrow("died before the delete");
    expect(queues.sent).toEqual([a.body]);
    expect(queues.letters.has("m-a")).toBe(true);
  });

  it("keeps an event whose send failed in NotificationsDlq, and audits the failure", async () => {
    // Arrange
    const queues = new InMemoryRedriveQueues([aDeadLetter("m-a", anEvent().body)]);
    queues.failSend = 1;
    const deps = { deadLetters: queues.deadLetters, sender: queues.sender, audit: queues.auditLog };
    // Act
    const [result] = await redriveNotifications({ ids: ["m-a"], actor: "operator:test" }, deps);
    // Assert
    expect(result).toMatchObject({ messageId: "m-a", status: "FAILED" });
    expect(queues.letters.has("m-a")).toBe(true);
    expect(queues.audit).toEqual([
      expect.objectContaining({ result: "FAILED", detail: "send to NotificationsQueue failed" }),
    ]);
  });

  it("redrives a copy of an event delivered since, and the Notifier's claim then sends nothing", async () => {
    // Arrange: the event's record says DELIVERED (another copy got through after this one ran out of tries).
    const { event, body } = anEvent();
    const log = new InMemoryNotificationLog();
    await log.claim(event, "1111111", "2026-12-05T10:00:00.000Z", "2026-12-05T10:00:30.000Z");
    await log.delivered(event.orderId, event.eventId, 204, "2026-12-05T10:00:01.000Z");
    const queues = new InMemoryRedriveQueues([aDeadLetter("m-a", body)]);
    // Act
    await redriveNotifications(
      { all: true, actor: "operator:test" },
      { deadLetters: queues.deadLetters, sender: queues.sender, audit: queues.auditLog },
    );
    const [redriven] = queues.sent;
    const claim = await log.claim(
      JSON.parse(redriven ?? "{}"),
      "1111111",
      "2026-12-05T11:00:00.000Z",
      "2026-12-05T11:00:30.000Z",
    );
    // Assert: the same event id came back, and its claim finds it delivered: no second send.
    expect(JSON.parse(redriven ?? "{}").eventId).toBe(event.eventId);
    expect(claim).toMatchObject({ outcome: "delivered", record: { status: "DELIVERED", attempts: 1 } });
  });
});
