import { anOrder, uniqueOrderId } from "./factories.ts";
import { callJson, type RunningSystem, waitUntil } from "./local-system.ts";

/** What `fillNotificationsDlq` left in NotificationsDlq: one confirmed order per payer, and its event. */
export interface FilledNotifications {
  payers: string[];
  orderIds: string[];
}

/** The local system's settings `fillNotificationsDlq` needs: a failed try's message is visible again after 5 s. */
export const FILL_ENV = { ORDERS_VISIBILITY_TIMEOUT: "5" };

/**
 * Fills NotificationsDlq of a running local system (started with `FILL_ENV`)
 * the way a deployed stage fills it, only faster: each of `count` payers gets
 * a webhook at `hookUrl`, a confirmed order, and a first delivery that the
 * receiver refuses while `receiverDown` says so (one refusal per payer, far
 * below the circuit's threshold). Then the table's GetItem fails for the
 * Notifier (the payer's webhook cannot be read) and no retry is delayed, so
 * SQS receives each event until its redrive policy moves it to
 * NotificationsDlq after the Notifier's 10th receive; 10 tries with their
 * real backoff would take an hour. An event published twice waits there
 * twice. Clears the faults before it returns.
 */
export async function fillNotificationsDlq(
  system: RunningSystem,
  adminToken: string,
  options: { hookUrl: string; count: number; receiverDown: (down: boolean) => void },
): Promise<FilledNotifications> {
  const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const call = (method: string, path: string, body?: unknown) => callJson(system.url, headers, method, path, body);
  const stamp = String(Date.now()).slice(-8);
  const payers = Array.from({ length: options.count }, (_, i) => `6${i}${stamp}`);
  for (const payer of payers) {
    await expectOk(call("PUT", `/accounts/${payer}`), `open ${payer}`);
    await expectOk(call("POST", `/accounts/${payer}/deposits`, { amount: 100, reference: "dlq-fill" }), "deposit");
    await expectOk(call("PUT", `/accounts/${payer}/webhook`, { url: options.hookUrl }), "set webhook");
  }
  options.receiverDown(true);
  const orderIds = payers.map(() => uniqueOrderId("notify-dlq"));
  for (const [i, payer] of payers.entries()) {
    await expectOk(call("POST", "/orders", anOrder({ id: orderIds[i], amount: 1, fromAccount: payer })), "submit");
  }
  // Each event's first try has failed at the receiver: its record says so, with the receiver's answer.
  await waitUntil(async () => {
    const tried = await Promise.all(
      orderIds.map(async (id) => (await call("GET", `/orders/${id}`)).body?.notifications?.[0]?.attempts >= 1),
    );
    return tried.every(Boolean);
  }, 60_000);
  await expectOk(
    call("PUT", "/_local/faults", { rules: ["DynamoDB:GetItem", "SQS:ChangeMessageVisibility"] }),
    "set faults",
  );
  options.receiverDown(false);
  try {
    // Every event has arrived, and nothing is left to arrive: a processor that ran long may have published an
    // event twice (at least once, as SNS does), and its copy waits there too.
    await waitUntil(async () => {
      const listed = (await call("GET", "/admin/notifications-dlq?limit=100")).body.messages ?? [];
      const arrived = new Set(listed.map((message: { event?: { orderId: string } }) => message.event?.orderId));
      const { queues } = (await call("GET", "/_local/metrics")).body;
      return orderIds.every((id) => arrived.has(id)) && queues.NotificationsQueue === 0 && queues.OrdersQueue === 0;
    }, 180_000);
  } finally {
    await call("PUT", "/_local/faults", { rules: [] });
  }
  return { payers, orderIds };
}

async function expectOk(answer: Promise<{ status: number; body: unknown }>, what: string): Promise<void> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
}
