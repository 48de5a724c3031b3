import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parseOrderEvent } from "@orders/core/domain/order-events";
import { handleFailedAttempt } from "@orders/core/use-cases/handle-failed-attempt";
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
import { countNotifications } from "../metrics.ts";

const deps = {
  orders: orderRepository(),
  webhooks: webhookRegistry(),
  notifications: notificationLog(),
  sender: webhookSender(),
};

async function deliverRecord(record: SQSRecord, leaseSeconds: number): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  try {
    const event = parseOrderEvent(record.body);
    const final = attempt >= notificationRetryPolicy().maxReceiveCount;
    const outcome = await deliverNotification(event, { ...deps, leaseSeconds }, { final });
    countNotifications(outcome);
    logger.info("notification handled", { eventId: event.eventId, type: event.type, orderId: event.orderId, outcome });
  } catch (error) {
    const failed = { body: record.body, receiptHandle: record.receiptHandle, attempt, error };
    const { report, retryInSeconds, problems } = await handleFailedAttempt(failed, notificationFailures());
    countNotifications("FAILED_ATTEMPT");
    logger.warn("notification not delivered", {
      messageId: record.messageId,
      attempt,
      retryInSeconds,
      reason: report.message,
      code: report.code,
    });
    for (const problem of problems) logger.error("could not record the failure or delay the retry", { error: problem });
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
  return processPartialResponse(event, deliver, processor, { context, throwOnFullBatchFailure: false });
}
