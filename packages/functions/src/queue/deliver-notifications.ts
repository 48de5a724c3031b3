import { parseOrderEvent } from "@orders/core/domain/order-events";
import { deliverNotification } from "@orders/core/use-cases/notify/deliver-notification";
import type { Context, SQSRecord } from "aws-lambda";
import { logger } from "../composition/logger.ts";
import {
  circuitPolicy,
  notificationFailures,
  notificationLog,
  notificationRequeue,
  notificationRetryPolicy,
  webhookSender,
} from "../composition/notifier.ts";
import { orderReader } from "../composition/order-reader.ts";
import { annotateOrder } from "../composition/tracing.ts";
import { webhookCircuits, webhookRegistry } from "../composition/webhooks.ts";
import { countNotifications } from "../metrics.ts";
import { sqsBatchHandler } from "./batch-handler.ts";

const deps = {
  orders: orderReader(),
  webhooks: webhookRegistry(),
  notifications: notificationLog(),
  sender: webhookSender(),
  circuits: webhookCircuits(),
  circuitPolicy: circuitPolicy(),
  requeue: notificationRequeue(),
  warn: (message: string, details: Record<string, unknown>) => logger.warn(message, details),
};

async function deliverRecord(record: SQSRecord, attempt: number, context: Context): Promise<void> {
  const event = parseOrderEvent(record.body);
  annotateOrder(event.orderId);
  const final = attempt >= notificationRetryPolicy().maxReceiveCount;
  // A claim holds until this invocation must have ended: no other copy sends while this one still might.
  const leaseSeconds = Math.ceil(context.getRemainingTimeInMillis() / 1000) + 1;
  const outcome = await deliverNotification(event, { ...deps, leaseSeconds }, { final });
  countNotifications(outcome);
  logger.info("notification handled", { eventId: event.eventId, type: event.type, orderId: event.orderId, outcome });
}

/**
 * Notifier: delivers each order event of the batch to the payer's webhook,
 * signed. A failed delivery is retried with backoff and, after the last try,
 * waits in NotificationsDlq with its reason; it never fails its batch-mates.
 */
export const handler = sqsBatchHandler(deliverRecord, {
  onFailure: notificationFailures(),
  message: "notification not delivered",
  count: () => countNotifications("FAILED_ATTEMPT"),
});
