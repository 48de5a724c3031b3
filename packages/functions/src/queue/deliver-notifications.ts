import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parseOrderEvent } from "@orders/core/domain/order-events";
import { deliverNotification } from "@orders/core/use-cases/notify/deliver-notification";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { logger } from "../composition/logger.ts";
import {
  notificationFailures,
  notificationLog,
  notificationRetryPolicy,
  webhookSender,
} from "../composition/notifier.ts";
import { orderRepository, webhookRegistry } from "../composition/table.ts";
import { countNotifications, metrics } from "../metrics.ts";
import { failureReporter } from "./report-failure.ts";

const deps = {
  orders: orderRepository(),
  webhooks: webhookRegistry(),
  notifications: notificationLog(),
  sender: webhookSender(),
};

const reportFailure = failureReporter({
  onFailure: notificationFailures(),
  message: "notification not delivered",
  count: () => countNotifications("FAILED_ATTEMPT"),
});

async function deliverRecord(record: SQSRecord, leaseSeconds: number): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  try {
    const event = parseOrderEvent(record.body);
    const final = attempt >= notificationRetryPolicy().maxReceiveCount;
    const outcome = await deliverNotification(event, { ...deps, leaseSeconds }, { final });
    countNotifications(outcome);
    logger.info("notification handled", { eventId: event.eventId, type: event.type, orderId: event.orderId, outcome });
  } catch (error) {
    await reportFailure(record, error);
    throw error;
  }
}

/**
 * Notifier: delivers each order event of the batch to the payer's webhook,
 * signed. A failed delivery is retried with backoff and, after the last try,
 * waits in NotificationsDlq with its reason; it never fails its batch-mates.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  const processor = new BatchProcessor(EventType.SQS);
  // A claim holds until this invocation must have ended: no other copy sends while this one still might.
  const leaseSeconds = Math.ceil(context.getRemainingTimeInMillis() / 1000) + 1;
  const deliver = (record: SQSRecord) => deliverRecord(record, leaseSeconds);
  const response = await processPartialResponse(event, deliver, processor, { context, throwOnFullBatchFailure: false });
  // One flush per batch, as the processor does.
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  return response;
}
