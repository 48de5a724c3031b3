import { anOrder, uniqueOrderId } from "@orders/harness/factories";
import { callJson, postOrders, type RunningSystem, startSystem, waitUntil } from "@orders/harness/local-system";
import { WebhookReceiver } from "@orders/harness/webhook-receiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPayer } from "../helpers/payer-accounts.ts";

const TOKEN = "webhook-circuit-test-token-4c2a";
const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
/** The circuit's first cool-down here: 2 s, doubling up to 16 s (the manifest's are 30 s and 15 min). */
const COOL_DOWN_SECONDS = 2;

let system: RunningSystem;
let down = true;
const receiver = new WebhookReceiver(() => down);
const payer = `6${String(Date.now()).slice(-9)}`;

/**
 * The most probes a circuit can send in `seconds` after it opens: one per cool-down (2, 4, 8, then 16 s each), and
 * one more under way. Counted from before the first wave is posted, so a slow machine only loosens the bound.
 */
function probesWithin(seconds: number): number {
  let probes = 1;
  let coolDown = COOL_DOWN_SECONDS;
  for (let at = coolDown; at <= seconds; at += coolDown) {
    probes++;
    coolDown = Math.min(2 * coolDown, 8 * COOL_DOWN_SECONDS);
  }
  return probes;
}
const secondsSince = (start: number) => (Date.now() - start) / 1000;

const call = (method: string, path: string, body?: unknown) => callJson(system.url, admin, method, path, body);
const metrics = async () => (await call("GET", "/_local/metrics")).body;
const postsFor = (ids: Set<string>) =>
  receiver.received.filter((delivery) => ids.has(JSON.parse(delivery.rawBody).orderId as string));
const notificationsOf = async (orderId: string) =>
  ((await call("GET", `/orders/${orderId}`)).body.notifications ?? []) as { status: string; attempts: number }[];

describe("a webhook endpoint that stays down opens its circuit, and loses nothing", () => {
  beforeAll(async () => {
    const hookUrl = `${await receiver.start()}/hooks/orders`;
    system = await startSystem(["--in-memory"], {
      ORDERS_ADMIN_TOKEN: TOKEN,
      ORDERS_CIRCUIT_COOLDOWN_SECONDS: String(COOL_DOWN_SECONDS),
    });
    await openPayer(call, payer, hookUrl);
  });

  afterAll(async () => {
    await system?.stop();
    await receiver.stop();
  });

  it("stops sending while open, probes on its cool-downs, and delivers every event once when the endpoint is back", async () => {
    // Arrange: the first wave's failures open the circuit.
    const first = Array.from({ length: 6 }, (_, n) =>
      anOrder({ id: uniqueOrderId(`open${n}`), amount: 1, fromAccount: payer }),
    );
    const opening = Date.now();
    await postOrders(system, first, TOKEN);
    await waitUntil(async () => ((await metrics()).counters.NotificationsDeferred ?? 0) >= 1, 60_000);
    // Act: a second wave while it is open; the endpoint stays down ~12 s more, then comes back.
    const second = Array.from({ length: 20 }, (_, n) =>
      anOrder({ id: uniqueOrderId(`wait${n}`), amount: 1, fromAccount: payer }),
    );
    await postOrders(system, second, TOKEN);
    const secondIds = new Set(second.map((order) => order.id));
    await waitUntil(
      async () =>
        (await Promise.all(second.map((order) => notificationsOf(order.id)))).every(
          (records) => records[0]?.status === "WAITING",
        ),
      60_000,
    );
    const waiting = await Promise.all(second.map((order) => notificationsOf(order.id)));
    const probedBeforeRead = postsFor(secondIds).length;
    const probesByRead = probesWithin(secondsSince(opening));
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const sentWhileDown = postsFor(secondIds).length;
    const refusedWhileDown = receiver.received.length;
    const probesWhileDown = probesWithin(secondsSince(opening));
    down = false;
    const all = [...first, ...second];
    await waitUntil(
      async () => new Set(receiver.accepted().map((event) => event.orderId)).size === all.length,
      120_000,
    );
    await waitUntil(
      async () =>
        (await Promise.all(all.map((order) => notificationsOf(order.id)))).every(
          (records) => records[0]?.status === "DELIVERED",
        ),
      60_000,
    );
    // Assert: while open, the second wave waited, and only probes reached the endpoint, one per cool-down (in about
    // 30 s: at 2, 6, 14 and 30 s, where 20 events retried on their own would have sent 20 at least).
    // A record's attempts count its sends: the second wave's are the probes it carried, no more.
    const attempts = waiting.map((records) => records[0]?.attempts ?? 0);
    expect(attempts.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(probedBeforeRead + 1);
    expect(probedBeforeRead).toBeLessThanOrEqual(probesByRead);
    expect(sentWhileDown).toBeLessThanOrEqual(probesWhileDown);
    // The first wave's six sends (five open the circuit, one may be under way), then only probes.
    expect(refusedWhileDown).toBeLessThanOrEqual(6 + probesWhileDown);
    expect(probesWhileDown).toBeLessThan(second.length);
    // Every event delivered exactly once, nothing in NotificationsDlq.
    const accepted = receiver.accepted();
    expect(accepted).toHaveLength(all.length);
    expect(new Set(accepted.map((event) => event.eventId)).size).toBe(all.length);
    const { queues, counters } = await metrics();
    expect(queues.NotificationsDlq).toBe(0);
    expect(counters.NotificationsDeferred).toBeGreaterThanOrEqual(20);
  });
});
