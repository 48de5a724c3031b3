import { NotificationInFlightError, NotificationNotDeliveredError } from "../../domain/notification.ts";
import type { OrderEvent } from "../../domain/order-events.ts";
import { signatureHeader } from "../../domain/webhook-signature.ts";
import type { Clock, NotificationLog, WebhookRegistry, WebhookSender } from "../../ports.ts";

export interface DeliverNotificationDeps {
  webhooks: WebhookRegistry;
  notifications: NotificationLog;
  sender: WebhookSender;
  clock?: Clock;
  /** How long one attempt holds the delivery: longer than the sender's timeout. */
  leaseSeconds: number;
}

export interface DeliveryAttempt {
  /** No retry follows this attempt if it fails: the event goes to NotificationsDlq. */
  final: boolean;
}

export type DeliveryOutcome = "DELIVERED" | "ALREADY_DELIVERED" | "NO_WEBHOOK";

const systemClock: Clock = { now: () => new Date() };

/**
 * Delivers one order event to the payer's webhook, signed (`Orders-Signature`).
 * The claim is one conditional write: a delivered event is never sent again,
 * and two copies of the same event (SNS and SQS deliver at least once) never
 * send at the same time. A failed attempt is recorded and thrown, for the
 * queue to retry after a backoff. If the process dies after the receiver took
 * the event and before DELIVERED was written, the lease runs out and the
 * event is sent again, with the same `eventId`: receivers dedupe on it.
 */
export async function deliverNotification(
  event: OrderEvent,
  deps: DeliverNotificationDeps,
  attempt: DeliveryAttempt,
): Promise<DeliveryOutcome> {
  const clock = deps.clock ?? systemClock;
  const payer = event.order.fromAccount;
  const webhook = await deps.webhooks.find(payer);
  const now = clock.now();
  if (!webhook) {
    await deps.notifications.noWebhook(event, payer, now.toISOString());
    return "NO_WEBHOOK";
  }
  const leaseUntil = new Date(now.getTime() + deps.leaseSeconds * 1000).toISOString();
  const claim = await deps.notifications.claim(event, payer, now.toISOString(), leaseUntil);
  if (claim.outcome === "delivered") return "ALREADY_DELIVERED";
  if (claim.outcome === "in-flight") {
    throw new NotificationInFlightError(`Event ${event.eventId} is being delivered by another attempt`);
  }

  const body = JSON.stringify(event);
  const headers = {
    "orders-signature": signatureHeader(webhook.secret, body, Math.floor(now.getTime() / 1000)),
    "orders-event-id": event.eventId,
    "orders-event-type": event.type,
  };
  let problem: string;
  try {
    const { status } = await deps.sender.post(webhook.url, body, headers);
    if (status >= 200 && status < 300) {
      await deps.notifications.delivered(event.orderId, event.eventId, status, clock.now().toISOString());
      return "DELIVERED";
    }
    problem = `The webhook answered ${status}`;
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  await deps.notifications.failed(event.orderId, event.eventId, problem, clock.now().toISOString(), attempt.final);
  throw new NotificationNotDeliveredError(`Event ${event.eventId} was not delivered: ${problem}`);
}
