import {
  EventNotImpliedError,
  NotificationInFlightError,
  NotificationNotDeliveredError,
} from "../../domain/notification.ts";
import { type OrderEvent, orderEventsOf } from "../../domain/order-events.ts";
import { type CircuitPolicy, deferralSeconds, waitedTooLong } from "../../domain/webhook-circuit.ts";
import { signingSecrets } from "../../domain/webhook-rotation.ts";
import { signatureHeader } from "../../domain/webhook-signature.ts";
import type {
  Clock,
  NotificationLog,
  NotificationRequeue,
  OrderReader,
  WebhookCircuits,
  WebhookRegistry,
  WebhookSender,
} from "../../ports.ts";
import { passCircuit, recordSendOutcome } from "./webhook-circuit-breaker.ts";

export interface DeliverNotificationDeps {
  /** Where the order is read: the event delivered is the one its record implies, not the message's copy. */
  orders: OrderReader;
  webhooks: WebhookRegistry;
  notifications: NotificationLog;
  sender: WebhookSender;
  /** Each endpoint's circuit breaker, and how it opens and closes. */
  circuits: WebhookCircuits;
  circuitPolicy: CircuitPolicy;
  /** Where an event that waits for its endpoint's circuit is queued again. */
  requeue: NotificationRequeue;
  clock?: Clock;
  /** How long one attempt holds the delivery: longer than the sender's timeout. */
  leaseSeconds: number;
  /**
   * Told of a failure that does not fail the delivery: the circuit's state
   * not saved after a send. The circuit only advises and the next send's
   * outcome corrects it, so the event goes on; this makes the failure seen.
   */
  warn?: (message: string, details: Record<string, unknown>) => void;
}

export interface DeliveryAttempt {
  /** No retry follows this attempt if it fails: the event goes to NotificationsDlq. */
  final: boolean;
}

export type DeliveryOutcome = "DELIVERED" | "ALREADY_DELIVERED" | "NO_WEBHOOK" | "DEFERRED";

const systemClock: Clock = { now: () => new Date() };

/**
 * Delivers one order event to the payer's webhook, signed (`Orders-Signature`).
 * The claim is one conditional write: a delivered event is never sent again,
 * and two copies of the same event (SNS and SQS deliver at least once) never
 * send at the same time. A failed attempt is recorded and thrown, for the
 * queue to retry after a backoff. If the process dies after the receiver took
 * the event and before DELIVERED was written, the lease runs out and the
 * event is sent again, with the same `eventId`: receivers dedupe on it.
 *
 * What is signed and sent is derived again from the order's record: a
 * message on the queue names an event, but only an event the order implies
 * is ever delivered, so a message put on the queue by anything else than the
 * system (or a stale copy) cannot make the system sign what did not happen.
 *
 * Each endpoint has a circuit breaker (domain/webhook-circuit.ts). While it
 * is open the event is not sent: it is recorded WAITING and queued again as a
 * new message, delayed until the next probe, so the wait uses none of its
 * tries (DEFERRED). The failure that opens the circuit, and a failed probe,
 * defer their event the same way instead of spending a try.
 */
export async function deliverNotification(
  message: OrderEvent,
  deps: DeliverNotificationDeps,
  attempt: DeliveryAttempt,
): Promise<DeliveryOutcome> {
  const clock = deps.clock ?? systemClock;
  const event = await impliedEvent(message, deps.orders);
  const payer = event.order.fromAccount;
  const webhook = await deps.webhooks.find(payer);
  const now = clock.now();
  if (!webhook) {
    await deps.notifications.noWebhook(event, payer, now.toISOString());
    return "NO_WEBHOOK";
  }
  const breaker = { circuits: deps.circuits, policy: deps.circuitPolicy };
  const gate = await passCircuit(breaker, payer, webhook.url, now, event.occurredAt, deps.leaseSeconds);
  if (gate.kind === "wait") return wait(event, payer, gate.until, deps, now);

  const leaseUntil = new Date(now.getTime() + deps.leaseSeconds * 1000).toISOString();
  const claim = await deps.notifications.claim(event, payer, now.toISOString(), leaseUntil);
  if (claim.outcome === "delivered") return "ALREADY_DELIVERED";
  if (claim.outcome === "in-flight") {
    throw new NotificationInFlightError(`Event ${event.eventId} is being delivered by another attempt`);
  }

  const body = JSON.stringify(event);
  const headers = {
    // Both secrets while a rotated-out one is in its overlap, so a receiver on either verifies.
    "orders-signature": signatureHeader(signingSecrets(webhook, now), body, Math.floor(now.getTime() / 1000)),
    "orders-event-id": event.eventId,
    "orders-event-type": event.type,
  };
  const sent = await send(webhook.url, body, headers, deps.sender);
  if ("status" in sent) {
    // The receiver has it: only recording that is left. A failure here is not the webhook's, and is
    // never recorded as one; the retry finds the lease and waits it out, then sends once more.
    await recordDelivered(event, sent.status, deps, clock);
    // The circuit only advises: a write that fails here is corrected by the next send's outcome.
    await recordSendOutcome(breaker, payer, webhook.url, true, clock.now()).catch(unsaved(event, payer, deps));
    return "DELIVERED";
  }
  const failedAt = clock.now();
  const circuit = await recordSendOutcome(breaker, payer, webhook.url, false, failedAt).catch(
    unsaved(event, payer, deps),
  );
  const opened = circuit?.state === "OPEN" && circuit.probeAt !== undefined;
  const defer = opened && !waitedTooLong(event.occurredAt, failedAt, deps.circuitPolicy);
  await deps.notifications.failed(
    event.orderId,
    event.eventId,
    sent.problem,
    failedAt.toISOString(),
    attempt.final && !defer,
  );
  if (defer && circuit.probeAt) return wait(event, payer, new Date(circuit.probeAt), deps, failedAt);
  throw new NotificationNotDeliveredError(`Event ${event.eventId} was not delivered: ${sent.problem}`);
}

/** What a failed save of the circuit's state becomes: told to `warn`, and no circuit (the delivery goes on). */
function unsaved(event: OrderEvent, payer: string, deps: DeliverNotificationDeps) {
  return (error: unknown): undefined => {
    deps.warn?.("webhook circuit not saved", {
      orderId: event.orderId,
      eventId: event.eventId,
      accountId: payer,
      error,
    });
    return undefined;
  };
}

/**
 * The event waits for its endpoint's circuit: recorded WAITING, then queued
 * again, delayed until `until`. Recorded first: if the process dies in
 * between, the message is still on the queue and comes back. An event
 * delivered meanwhile is not queued again; one that another attempt is
 * sending is queued again without touching its record (that attempt's lease
 * and outcome stand, and this copy comes back to find them).
 */
async function wait(
  event: OrderEvent,
  payer: string,
  until: Date,
  deps: DeliverNotificationDeps,
  now: Date,
): Promise<DeliveryOutcome> {
  const waiting = await deps.notifications.waiting(event, payer, until.toISOString(), now.toISOString());
  if (waiting === "delivered") return "ALREADY_DELIVERED";
  await deps.requeue.later(event, deferralSeconds(until, now));
  return "DEFERRED";
}

/**
 * The event the order's record implies under the message's id. None yet may
 * be a read that lags the write that ended the order: retried, so a message
 * no order ever implies ends in NotificationsDlq with this reason.
 */
async function impliedEvent(message: OrderEvent, orders: OrderReader): Promise<OrderEvent> {
  const history = await orders.findHistory(message.orderId);
  const event = history && orderEventsOf(history.original).find((implied) => implied.eventId === message.eventId);
  if (!event) throw new EventNotImpliedError(`Order ${message.orderId} implies no event ${message.eventId} (yet)`);
  return event;
}

/** One POST: the 2xx status, or what went wrong (an error, a timeout, another status). */
async function send(
  url: string,
  body: string,
  headers: Record<string, string>,
  sender: WebhookSender,
): Promise<{ status: number } | { problem: string }> {
  try {
    const { status } = await sender.post(url, body, headers);
    return status >= 200 && status < 300 ? { status } : { problem: `The webhook answered ${status}` };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Records a 2xx, trying the idempotent write three times before giving up on this attempt. */
async function recordDelivered(event: OrderEvent, status: number, deps: DeliverNotificationDeps, clock: Clock) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.notifications.delivered(event.orderId, event.eventId, status, clock.now().toISOString());
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
