import type { RunningSystem } from "../local-system.ts";
import { pool } from "../stats.ts";
import type { WebhookReceiver } from "../webhook-receiver.ts";
import { type Accepted, json } from "./harness.ts";
import { admin, type Fixture } from "./ledger.ts";

/** What became of the events the scenario's orders imply, as the payers' webhook received them. */
export interface NotificationFigures {
  /** Events the orders' ends imply (OrderConfirmed, OrderFailed, OrderCancelled). */
  expected: number;
  /** Implied events the receiver never took (2xx): must be 0. */
  lost: number;
  /** Events the receiver took (2xx) more than once: the window between its answer and DELIVERED. */
  sentTwice: number;
  /** Deliveries the receiver refused (its own injected 5xx), each retried. */
  refused: number;
  /** Events whose delivery record does not say DELIVERED: must be 0. */
  notDelivered: number;
  /** The lost events, `orderId/type`, with what the order's record and NotificationsDlq say: for the notes. */
  lostEvents: string[];
}

/** Points every fixture account's webhook at the receiver. */
export async function setWebhooks(system: RunningSystem, fixture: Fixture, url: string): Promise<void> {
  await pool(fixture.accounts, 4, async ({ accountId }) => {
    const { status, body } = await admin(system, "PUT", `/accounts/${accountId}/webhook`, { url });
    if (status !== 200) throw new Error(`webhook of ${accountId} answered ${status}: ${JSON.stringify(body)}`);
  });
}

/** The types of the events an order's end implies (the rule of `orderEventsOf`, read off `GET /orders/{id}`). */
function impliedTypes(order: { status: string; valid: boolean; refunded?: boolean }): string[] {
  if (!order.valid) return [];
  switch (order.status) {
    case "CONFIRMED":
      return ["OrderConfirmed"];
    case "FAILED":
      return ["OrderFailed"];
    case "CANCELLED":
      return order.refunded ? ["OrderConfirmed", "OrderCancelled"] : ["OrderCancelled"];
    default:
      return [];
  }
}

interface OrderNotifications {
  expected: { orderId: string; type: string }[];
  records: { type: string; status: string; eventId: string }[];
  status?: string;
}

async function notificationsOf(system: RunningSystem, id: string): Promise<OrderNotifications> {
  const { status, body } = await json(`${system.url}/orders/${encodeURIComponent(id)}`);
  if (status !== 200) return { expected: [], records: [] };
  return {
    expected: impliedTypes(body.order).map((type) => ({ orderId: id, type })),
    records: body.notifications ?? [],
    status: body.order.status,
  };
}

/**
 * Waits until the receiver has taken every event the accepted orders imply
 * (or `timeoutMs` passes), then counts what was lost, sent twice and refused.
 */
export async function checkNotifications(
  system: RunningSystem,
  accepted: Accepted[],
  receiver: WebhookReceiver,
  timeoutMs = 150_000,
): Promise<NotificationFigures> {
  const ids = [...new Set(accepted.map((submission) => submission.id))];
  const deadline = Date.now() + timeoutMs;
  let orders: OrderNotifications[] = [];
  const received = () => {
    const taken = new Map<string, number>();
    for (const event of receiver.accepted()) {
      const key = `${event.orderId}/${event.type}`;
      taken.set(key, (taken.get(key) ?? 0) + 1);
    }
    return taken;
  };
  for (;;) {
    orders = [];
    await pool(ids, 16, async (id) => void orders.push(await notificationsOf(system, id)));
    const taken = received();
    const missing = orders.flatMap((o) => o.expected).filter((e) => !taken.has(`${e.orderId}/${e.type}`));
    const unsettled = orders.flatMap((o) => o.records).filter((r) => r.status !== "DELIVERED");
    if ((missing.length === 0 && unsettled.length === 0) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const taken = received();
  const expected = orders.flatMap((o) => o.expected);
  const delivered = new Set(
    orders.flatMap((o) => o.records.filter((r) => r.status === "DELIVERED").map((r) => r.eventId)),
  );
  const lost = expected.filter((e) => !taken.has(`${e.orderId}/${e.type}`));
  const { body: state } = await json(`${system.url}/_local/metrics`);
  const lostEvents = lost.slice(0, 5).map((e) => {
    const order = orders.find((o) => o.expected.includes(e));
    return `${e.orderId}/${e.type} (order ${order?.status}, records ${JSON.stringify(order?.records ?? [])})`;
  });
  if (lost.length > 0) lostEvents.push(`queues at the end: ${JSON.stringify(state.queues)}`);
  return {
    lostEvents,
    expected: expected.length,
    lost: lost.length,
    sentTwice: [...taken.values()].filter((times) => times > 1).length,
    refused: receiver.received.filter((delivery) => delivery.answered >= 300).length,
    notDelivered: orders.flatMap((o) => o.records).filter((r) => !delivered.has(r.eventId)).length,
  };
}
