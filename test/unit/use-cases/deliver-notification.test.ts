import { orderEventsOf } from "@orders/core/domain/order-events";
import { verifySignature } from "@orders/core/domain/webhook-signature";
import type { Webhook, WebhookRegistry, WebhookSender } from "@orders/core/ports";
import { deliverNotification } from "@orders/core/use-cases/notify/deliver-notification";
import { anOrderRecord } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
import { InMemoryOrderRepository } from "../../helpers/fakes.ts";
import {
  InMemoryNotificationLog,
  InMemoryWebhookCircuits,
  RecordingRequeue,
} from "../../helpers/notification-fakes.ts";

const SECRET = "whsec_test-secret";
const URL = "https://hooks.example.com/orders";

/** A receiver that records every POST and answers with the next scripted status (200 when the script runs out). */
class RecordingSender implements WebhookSender {
  readonly received: { url: string; body: string; headers: Record<string, string> }[] = [];
  readonly script: (number | Error)[] = [];

  async post(url: string, body: string, headers: Record<string, string>) {
    this.received.push({ url, body, headers });
    const next = this.script.shift() ?? 200;
    if (next instanceof Error) throw next;
    return { status: next };
  }
}

const A_WEBHOOK: Webhook = { url: URL, secret: SECRET, updatedAt: "2026-12-02T00:00:00.000Z" };

function setup(webhook: Webhook | null = A_WEBHOOK) {
  let now = new Date("2026-12-02T12:00:00.000Z");
  const webhooks: WebhookRegistry = { save: async () => true, find: async () => webhook ?? undefined };
  const notifications = new InMemoryNotificationLog();
  const sender = new RecordingSender();
  const clock = { now: () => now };
  const orders = new InMemoryOrderRepository();
  const record = anOrderRecord({ amountCents: 2580, status: "CONFIRMED" });
  orders.originals.set(record.orderId, record);
  const circuits = new InMemoryWebhookCircuits();
  const requeue = new RecordingRequeue();
  const circuitPolicy = { failureThreshold: 5, coolDownSeconds: 30, maxCoolDownSeconds: 900, maxWaitHours: 72 };
  const deps = { orders, webhooks, notifications, sender, clock, leaseSeconds: 30, circuits, circuitPolicy, requeue };
  const [event] = orderEventsOf(record);
  if (!event) throw new Error("a confirmed order implies an event");
  const stored = () => notifications.records.get(`${event.orderId}/${event.eventId}`);
  return {
    deps,
    event,
    sender,
    stored,
    circuits,
    requeue,
    orders,
    advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)),
  };
}

describe("delivering an order event", () => {
  it("POSTs the event JSON to the payer's webhook, signed, and records it DELIVERED", async () => {
    // Arrange
    const { deps, event, sender, stored } = setup();
    // Act
    const outcome = await deliverNotification(event, deps, { final: false });
    // Assert
    expect(outcome).toBe("DELIVERED");
    const [sent] = sender.received;
    expect(sent?.url).toBe(URL);
    expect(JSON.parse(sent?.body ?? "")).toEqual(event);
    expect(sent?.headers["orders-event-id"]).toBe(event.eventId);
    const signature = sent?.headers["orders-signature"] ?? "";
    expect(signature).toMatch(/^t=1796212800,v1=[0-9a-f]{64}$/);
    expect(verifySignature(signature, sent?.body ?? "", SECRET, 1796212800)).toBe(true);
    expect(verifySignature(signature, sent?.body ?? "", "whsec_other", 1796212800)).toBe(false);
    expect(stored()).toMatchObject({ status: "DELIVERED", attempts: 1, responseStatus: 200 });
  });

  it("signs with both secrets while a rotated-out secret is in its window, new first, then with the new alone", async () => {
    // Arrange: rotated at 06:00 (the clock says 12:00), the old secret valid until the next morning.
    const rotated: Webhook = {
      ...A_WEBHOOK,
      updatedAt: "2026-12-02T06:00:00.000Z",
      previous: { secret: "whsec_old", until: "2026-12-03T06:00:00.000Z" },
    };
    const during = setup(rotated);
    const after = setup(rotated);
    after.advance(18 * 3600);
    // Act
    await deliverNotification(during.event, during.deps, { final: false });
    await deliverNotification(after.event, after.deps, { final: false });
    // Assert
    const [sentDuring] = during.sender.received;
    const [sentAfter] = after.sender.received;
    const headerDuring = sentDuring?.headers["orders-signature"] ?? "";
    const headerAfter = sentAfter?.headers["orders-signature"] ?? "";
    expect(headerDuring).toMatch(/^t=1796212800,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(headerDuring, sentDuring?.body ?? "", SECRET, 1796212800)).toBe(true);
    expect(verifySignature(headerDuring, sentDuring?.body ?? "", "whsec_old", 1796212800)).toBe(true);
    expect(headerAfter).toMatch(/^t=1796277600,v1=[0-9a-f]{64}$/);
    expect(verifySignature(headerAfter, sentAfter?.body ?? "", SECRET, 1796277600)).toBe(true);
    expect(verifySignature(headerAfter, sentAfter?.body ?? "", "whsec_old", 1796277600)).toBe(false);
  });

  it("never sends a delivered event again, however often it comes back", async () => {
    const { deps, event, sender } = setup();
    await deliverNotification(event, deps, { final: false });
    const again = await Promise.all([1, 2, 3].map(() => deliverNotification(event, deps, { final: false })));
    expect(again).toEqual(["ALREADY_DELIVERED", "ALREADY_DELIVERED", "ALREADY_DELIVERED"]);
    expect(sender.received).toHaveLength(1);
  });

  it("lets one of two concurrent copies send; the other is retried later and finds it delivered", async () => {
    const { deps, event, sender } = setup();
    const [first, second] = await Promise.allSettled([
      deliverNotification(event, deps, { final: false }),
      deliverNotification(event, deps, { final: false }),
    ]);
    expect([first.status, second.status].sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = [first, second].find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "NOTIFICATION_IN_FLIGHT" });
    expect(await deliverNotification(event, deps, { final: false })).toBe("ALREADY_DELIVERED");
    expect(sender.received).toHaveLength(1);
  });

  it("records a failed try and throws for the queue to retry; the retry delivers", async () => {
    const { deps, event, sender, stored } = setup();
    sender.script.push(503, new Error("connect ECONNREFUSED"));
    await expect(deliverNotification(event, deps, { final: false })).rejects.toMatchObject({
      code: "NOTIFICATION_NOT_DELIVERED",
    });
    expect(stored()).toMatchObject({ status: "RETRYING", attempts: 1, lastError: "The webhook answered 503" });
    await expect(deliverNotification(event, deps, { final: false })).rejects.toThrow(/ECONNREFUSED/);
    expect(await deliverNotification(event, deps, { final: false })).toBe("DELIVERED");
    expect(stored()).toMatchObject({ status: "DELIVERED", attempts: 3 });
    expect(stored()?.lastError).toBeUndefined();
  });

  it("marks the last failed try FAILED", async () => {
    const { deps, event, sender, stored } = setup();
    sender.script.push(500);
    await expect(deliverNotification(event, deps, { final: true })).rejects.toThrow();
    expect(stored()).toMatchObject({ status: "FAILED", lastError: "The webhook answered 500" });
  });

  it("sends again after a crash mid-attempt, once the lease has run out, with the same event id", async () => {
    const { deps, event, sender, advance } = setup();
    // A copy claimed the event and died before recording anything.
    await deps.notifications.claim(event, "1111111", deps.clock.now().toISOString(), "2026-12-02T12:00:30.000Z");
    await expect(deliverNotification(event, deps, { final: false })).rejects.toMatchObject({
      code: "NOTIFICATION_IN_FLIGHT",
    });
    advance(31);
    expect(await deliverNotification(event, deps, { final: false })).toBe("DELIVERED");
    expect(sender.received.map((sent) => sent.headers["orders-event-id"])).toEqual([event.eventId]);
  });

  it("records NO_WEBHOOK when the payer has none, and sends nothing", async () => {
    const { deps, event, sender, stored } = setup(null);
    expect(await deliverNotification(event, deps, { final: false })).toBe("NO_WEBHOOK");
    expect(sender.received).toHaveLength(0);
    expect(stored()).toMatchObject({ status: "NO_WEBHOOK", attempts: 0, accountId: "1111111" });
  });

  it("signs only what the order implies: a forged or premature message is refused, and retried", async () => {
    const { deps, event, sender } = setup();
    // A message naming an event of the order with other content: the order's own version is sent.
    const forged = { ...event, order: { ...event.order, amount: 1_000_000 } };
    expect(await deliverNotification(forged, deps, { final: false })).toBe("DELIVERED");
    expect(JSON.parse(sender.received[0]?.body ?? "{}")).toEqual(event);
    // A message naming an event the order does not imply (cancelled? it was not): nothing is sent.
    const unimplied = { ...event, type: "OrderCancelled" as const, eventId: "evt_00000000000000000000000000000000" };
    await expect(deliverNotification(unimplied, deps, { final: false })).rejects.toMatchObject({
      code: "EVENT_NOT_IMPLIED",
    });
    expect(sender.received).toHaveLength(1);
  });

  it("goes on when the circuit's state cannot be saved, and says so to warn: delivered, or retried", async () => {
    // Arrange: every circuit write fails (its table throttled, say). The first payer's endpoint had failed twice,
    // so its 2xx has a circuit to close; the second event's receiver answers 500.
    const delivered = setup();
    const failing = setup();
    const payer = delivered.event.order.fromAccount;
    delivered.circuits.circuits.set(InMemoryWebhookCircuits.key(payer, URL), {
      url: URL,
      state: "CLOSED",
      consecutiveFailures: 2,
      opens: 0,
      updatedAt: "2026-12-02T11:59:00.000Z",
      version: 2,
    });
    const warnings: { message: string; details: Record<string, unknown> }[] = [];
    for (const { circuits } of [delivered, failing]) {
      circuits.save = async () => {
        throw new Error("throttled");
      };
    }
    failing.sender.script.push(500);
    const warn = (message: string, details: Record<string, unknown>) => warnings.push({ message, details });
    // Act
    const outcome = await deliverNotification(delivered.event, { ...delivered.deps, warn }, { final: false });
    const retried = deliverNotification(failing.event, { ...failing.deps, warn }, { final: false });
    // Assert
    expect(outcome).toBe("DELIVERED");
    expect(delivered.stored()).toMatchObject({ status: "DELIVERED" });
    await expect(retried).rejects.toThrow("The webhook answered 500");
    expect(failing.stored()).toMatchObject({ status: "RETRYING", attempts: 1 });
    expect(
      warnings.map(({ message, details }) => [message, details.eventId, (details.error as Error).message]),
    ).toEqual([
      ["webhook circuit not saved", delivered.event.eventId, "throttled"],
      ["webhook circuit not saved", failing.event.eventId, "throttled"],
    ]);
  });

  it("never records a 2xx as the webhook's failure when writing DELIVERED fails", async () => {
    const { deps, event, sender, stored } = setup();
    deps.notifications.delivered = async () => {
      throw new Error("table down");
    };
    await expect(deliverNotification(event, deps, { final: true })).rejects.toThrow("table down");
    expect(sender.received).toHaveLength(1);
    // Still SENDING under its lease: a retry waits it out; nothing says the webhook failed.
    expect(stored()).toMatchObject({ status: "SENDING", attempts: 1 });
    expect(stored()?.lastError).toBeUndefined();
  });
});
