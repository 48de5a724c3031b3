import { type OrderEvent, orderEventsOf } from "@orders/core/domain/order-events";
import { circuitView } from "@orders/core/domain/webhook-circuit";
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

const A_WEBHOOK: Webhook = {
  url: "https://hooks.example.com/orders",
  secret: "whsec_x",
  updatedAt: "2026-12-02T00:00:00Z",
};
const POLICY = { failureThreshold: 3, coolDownSeconds: 30, maxCoolDownSeconds: 120, maxWaitHours: 72 };

/** A receiver that is down (every POST answers 503) until `up` is set. */
class FlakyEndpoint implements WebhookSender {
  up = false;
  posts = 0;
  async post() {
    this.posts += 1;
    return { status: this.up ? 204 : 503 };
  }
}

/** Events of `count` confirmed orders, all paid by PAYER, occurring at the clock's start. */
function setup(count: number) {
  let now = new Date("2026-12-02T12:00:00.000Z");
  let webhook = A_WEBHOOK;
  const webhooks: WebhookRegistry = { save: async () => true, find: async () => webhook };
  const orders = new InMemoryOrderRepository();
  const events: OrderEvent[] = [];
  for (let n = 0; n < count; n++) {
    const record = anOrderRecord({ resolvedAt: now.toISOString() });
    orders.originals.set(record.orderId, record);
    const [event] = orderEventsOf(record);
    if (!event) throw new Error("a confirmed order implies an event");
    events.push(event);
  }
  const notifications = new InMemoryNotificationLog();
  const circuits = new InMemoryWebhookCircuits();
  const requeue = new RecordingRequeue();
  const endpoint = new FlakyEndpoint();
  const deps = {
    orders,
    webhooks,
    notifications,
    sender: endpoint,
    circuits,
    requeue,
    circuitPolicy: POLICY,
    clock: { now: () => now },
    leaseSeconds: 31,
  };
  /** One try of `event`: its outcome, or the code of what it threw. */
  const attempt = (event: OrderEvent) =>
    deliverNotification(event, deps, { final: false }).catch((error: { code?: string }) => error.code ?? "THREW");
  /** The endpoint, down, fails the first events (the threshold's number) in a row: their tries open its circuit. */
  const openCircuit = async () => {
    for (const event of events.slice(0, POLICY.failureThreshold)) await attempt(event);
  };
  return {
    deps,
    events,
    endpoint,
    circuits,
    requeue,
    notifications,
    attempt,
    openCircuit,
    circuit: (url = A_WEBHOOK.url, account = "1111111") =>
      circuits.circuits.get(InMemoryWebhookCircuits.key(account, url)),
    advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)),
    setUrl: (url: string) => (webhook = { ...A_WEBHOOK, url }),
  };
}

describe("a webhook endpoint's circuit breaker", () => {
  it("opens after the threshold's failures in a row; the failure that opens it defers its event instead of spending a try", async () => {
    // Arrange
    const { events, attempt, circuit, requeue, endpoint, notifications } = setup(3);
    // Act
    const outcomes = [];
    for (const event of events) outcomes.push(await attempt(event));
    // Assert
    expect(outcomes).toEqual(["NOTIFICATION_NOT_DELIVERED", "NOTIFICATION_NOT_DELIVERED", "DEFERRED"]);
    expect(circuit()).toMatchObject({
      state: "OPEN",
      consecutiveFailures: 3,
      opens: 1,
      probeAt: "2026-12-02T12:00:30.000Z",
    });
    expect(endpoint.posts).toBe(3);
    expect(requeue.queued.map((queued) => queued.event.eventId)).toEqual([events[2]?.eventId]);
    expect(requeue.queued[0]?.delaySeconds).toBeGreaterThanOrEqual(30);
    const third = notifications.records.get(`${events[2]?.orderId}/${events[2]?.eventId}`);
    expect(third).toMatchObject({ status: "WAITING", waitingUntil: "2026-12-02T12:00:30.000Z", attempts: 1 });
  });

  it("sends nothing while it is open: every event waits until the probe, its tries untouched", async () => {
    // Arrange
    const { events, attempt, requeue, endpoint, notifications, advance, openCircuit } = setup(8);
    await openCircuit();
    advance(10);
    // Act
    const outcomes = [];
    for (const event of events.slice(3)) outcomes.push(await attempt(event));
    // Assert
    expect(outcomes).toEqual(["DEFERRED", "DEFERRED", "DEFERRED", "DEFERRED", "DEFERRED"]);
    expect(endpoint.posts).toBe(3);
    expect(requeue.queued).toHaveLength(6);
    for (const { delaySeconds } of requeue.queued.slice(1)) expect(delaySeconds).toBeGreaterThanOrEqual(20);
    const waiting = events.slice(3).map((event) => notifications.records.get(`${event.orderId}/${event.eventId}`));
    expect(waiting.map((record) => [record?.status, record?.attempts])).toEqual(Array(5).fill(["WAITING", 0]));
  });

  it("gives the probe to one attempt once the cool-down ends; its 2xx closes the circuit and the rest are sent", async () => {
    // Arrange
    const { events, attempt, circuit, endpoint, advance, openCircuit } = setup(5);
    await openCircuit();
    advance(30);
    endpoint.up = true;
    // Act: two copies arrive together; one probes, the other waits out the probe's lease.
    const [probe, other] = await Promise.all([attempt(events[3] as OrderEvent), attempt(events[4] as OrderEvent)]);
    const closed = circuit();
    const after = await attempt(events[4] as OrderEvent);
    // Assert
    expect([probe, other]).toEqual(["DELIVERED", "DEFERRED"]);
    expect(closed).toMatchObject({ state: "CLOSED", consecutiveFailures: 0, opens: 0 });
    expect(closed?.probeAt).toBeUndefined();
    expect(after).toBe("DELIVERED");
    expect(endpoint.posts).toBe(5);
  });

  it("a failed probe reopens it for twice as long, capped, and the probe's event waits again without spending a try", async () => {
    // Arrange
    const { events, attempt, circuit, notifications, advance, openCircuit } = setup(4);
    await openCircuit();
    const probed = events[3] as OrderEvent;
    // Act
    const probes = [];
    for (const wait of [30, 60, 120, 120]) {
      advance(wait);
      probes.push([await attempt(probed), circuit()?.opens, circuit()?.probeAt]);
    }
    // Assert
    expect(probes).toEqual([
      ["DEFERRED", 2, "2026-12-02T12:01:30.000Z"],
      ["DEFERRED", 3, "2026-12-02T12:03:30.000Z"],
      ["DEFERRED", 4, "2026-12-02T12:05:30.000Z"],
      ["DEFERRED", 5, "2026-12-02T12:07:30.000Z"],
    ]);
    const record = notifications.records.get(`${probed.orderId}/${probed.eventId}`);
    expect(record).toMatchObject({ status: "WAITING", lastError: "The webhook answered 503" });
    expect(circuit()?.openedAt).toBe("2026-12-02T12:00:00.000Z");
  });

  it("takes the probe again when the probe died holding it, once its lease ran out", async () => {
    // Arrange
    const { deps, events, attempt, circuit, endpoint, advance, openCircuit } = setup(5);
    await openCircuit();
    advance(30);
    endpoint.up = true;
    const stored = circuit();
    if (!stored) throw new Error("open");
    // A probe wrote HALF_OPEN and died before sending.
    await deps.circuits.save("1111111", {
      ...stored,
      state: "HALF_OPEN",
      probeLeaseUntil: "2026-12-02T12:01:01.000Z",
      version: stored.version + 1,
    });
    // Act
    const during = await attempt(events[3] as OrderEvent);
    advance(31);
    const after = await attempt(events[4] as OrderEvent);
    // Assert
    expect([during, after]).toEqual(["DEFERRED", "DELIVERED"]);
    expect(circuit()?.state).toBe("CLOSED");
  });

  it("sends at once to a new URL: the circuit is the endpoint's, not the account's", async () => {
    // Arrange
    const { events, attempt, setUrl, endpoint, circuit, openCircuit } = setup(4);
    await openCircuit();
    endpoint.up = true;
    setUrl("https://hooks.example.com/new");
    // Act
    const outcome = await attempt(events[3] as OrderEvent);
    // Assert
    expect(outcome).toBe("DELIVERED");
    // The old URL's circuit is left as it was: the new URL has its own, with nothing to close.
    expect(circuit()).toMatchObject({ url: A_WEBHOOK.url, state: "OPEN" });
    expect(circuit("https://hooks.example.com/new")).toBeUndefined();
    expect(circuitView(circuit(), "https://hooks.example.com/new")).toEqual({
      state: "CLOSED",
      consecutiveFailures: 0,
    });
  });

  it("a 2xx in between resets the count: failures must be in a row to open it", async () => {
    // Arrange
    const { events, attempt, circuit, endpoint } = setup(5);
    // Act
    await attempt(events[0] as OrderEvent);
    await attempt(events[1] as OrderEvent);
    endpoint.up = true;
    await attempt(events[2] as OrderEvent);
    endpoint.up = false;
    const outcomes = [await attempt(events[3] as OrderEvent), await attempt(events[4] as OrderEvent)];
    // Assert
    expect(outcomes).toEqual(["NOTIFICATION_NOT_DELIVERED", "NOTIFICATION_NOT_DELIVERED"]);
    expect(circuit()).toMatchObject({ state: "CLOSED", consecutiveFailures: 2 });
  });

  it("sends an event that waited longer than maxWaitHours whatever the circuit says, so its tries run out into the DLQ", async () => {
    // Arrange
    const { deps, events, attempt, endpoint, advance, openCircuit } = setup(4);
    await openCircuit();
    advance(72 * 3600 + 1);
    const old = events[3] as OrderEvent;
    // Act
    const outcome = await attempt(old);
    const last = await deliverNotification(old, deps, { final: true }).catch((error) => error.code);
    // Assert
    expect(outcome).toBe("NOTIFICATION_NOT_DELIVERED");
    expect(last).toBe("NOTIFICATION_NOT_DELIVERED");
    expect(endpoint.posts).toBe(5);
    expect(deps.notifications.records.get(`${old.orderId}/${old.eventId}`)?.status).toBe("FAILED");
  });

  it("does not queue again an event delivered meanwhile: a duplicate copy ends there", async () => {
    // Arrange
    const { deps, events, attempt, requeue, endpoint, advance, openCircuit } = setup(4);
    endpoint.up = true;
    const event = events[3] as OrderEvent;
    await attempt(event);
    endpoint.up = false;
    await openCircuit();
    advance(5);
    const queuedBefore = requeue.queued.length;
    // Act: a late copy of the delivered event arrives while the circuit is open.
    const outcome = await deliverNotification(event, deps, { final: false });
    // Assert
    expect(outcome).toBe("ALREADY_DELIVERED");
    expect(requeue.queued).toHaveLength(queuedBefore);
  });

  it("loses no write race: an attempt that loses the circuit's version reads again and decides again", async () => {
    // Arrange
    const { events, attempt, circuits, circuit } = setup(3);
    circuits.refuseNext = 2;
    // Act
    for (const event of events) await attempt(event);
    // Assert
    expect(circuit()).toMatchObject({ state: "OPEN", consecutiveFailures: 3 });
  });

  it("is the account's own: another account whose failing events name the same URL cannot open it", async () => {
    // Arrange: another account points its webhook at this payer's URL, and its deliveries there all fail.
    const { deps, attempt, circuit, endpoint, events } = setup(1);
    const strangers = Array.from({ length: 5 }, () => {
      const record = anOrderRecord({ fromAccount: "2222222", resolvedAt: "2026-12-02T12:00:00.000Z" });
      deps.orders.originals.set(record.orderId, record);
      return orderEventsOf(record)[0] as OrderEvent;
    });
    for (const event of strangers) await attempt(event);
    endpoint.up = true;
    // Act
    const outcome = await attempt(events[0] as OrderEvent);
    // Assert: the stranger's circuit opened; this payer's event went out at once.
    expect(circuit(A_WEBHOOK.url, "2222222")?.state).toBe("OPEN");
    expect(circuit()).toBeUndefined();
    expect(outcome).toBe("DELIVERED");
  });

  it("queues again a copy that arrives while another attempt is sending, leaving that attempt's lease alone", async () => {
    // Arrange: the circuit is open, and an attempt that started before it opened still holds its claim.
    const { deps, events, requeue, notifications, openCircuit } = setup(4);
    await openCircuit();
    const sending = events[3] as OrderEvent;
    await notifications.claim(sending, "1111111", "2026-12-02T12:00:00.000Z", "2026-12-02T12:00:31.000Z");
    // Act
    const outcome = await deliverNotification(sending, deps, { final: false });
    // Assert
    expect(outcome).toBe("DEFERRED");
    expect(requeue.queued.map((queued) => queued.event.eventId)).toContain(sending.eventId);
    expect(notifications.records.get(`${sending.orderId}/${sending.eventId}`)).toMatchObject({
      status: "SENDING",
      leaseUntil: "2026-12-02T12:00:31.000Z",
    });
  });

  it("loses nothing when the process dies between recording WAITING and queueing the event again", async () => {
    // Arrange: the circuit is open; the re-queue fails once, as a crash between the two writes would leave it.
    const { deps, events, requeue, notifications, openCircuit } = setup(4);
    await openCircuit();
    const event = events[3] as OrderEvent;
    const later = requeue.later.bind(requeue);
    let crashes = 1;
    requeue.later = async (queued, delay) => {
      if (crashes-- > 0) throw new Error("died before SendMessage");
      return later(queued, delay);
    };
    // Act: the attempt fails, so its message stays on the queue and comes back.
    const first = await deliverNotification(event, deps, { final: false }).catch((error: Error) => error.message);
    const redelivered = await deliverNotification(event, deps, { final: false });
    // Assert: recorded WAITING, queued again exactly once (by the redelivery), never sent.
    expect(first).toBe("died before SendMessage");
    expect(notifications.records.get(`${event.orderId}/${event.eventId}`)?.status).toBe("WAITING");
    expect(redelivered).toBe("DEFERRED");
    expect(requeue.queued.filter((queued) => queued.event.eventId === event.eventId)).toHaveLength(1);
  });
});
