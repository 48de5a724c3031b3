import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parseOrderMessage } from "@orders/core/domain/order-message";
import { retryDelaySeconds } from "@orders/core/domain/retry-policy";
import { processOrder } from "@orders/core/use-cases/process-order";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { logger, orderArchive, orderRepository, orderValidator, retryPolicy, retryScheduler } from "../composition.ts";

const deps = { repository: orderRepository(), archive: orderArchive(), validate: orderValidator() };
const retries = retryScheduler();
const policy = retryPolicy();
const processor = new BatchProcessor(EventType.SQS);

/**
 * Before a failed record goes back to the queue, hide it for a backoff delay
 * (none for a poison message), so transient faults get time to clear.
 */
async function scheduleRetry(record: SQSRecord, error: unknown): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const delay = retryDelaySeconds(attempt, error, policy);
  logger.warn("order processing failed", { messageId: record.messageId, attempt, retryInSeconds: delay, error });
  try {
    await retries.retryAfter(record.receiptHandle, delay);
  } catch (scheduleError) {
    // The queue's own visibility timeout still brings the message back.
    logger.error("could not delay the retry", { messageId: record.messageId, error: scheduleError });
  }
}

async function processRecord(record: SQSRecord): Promise<void> {
  try {
    const message = parseOrderMessage(record.body);
    const { outcome, record: saved } = await processOrder(message, deps);
    logger.info("order processed", {
      orderId: saved.orderId,
      submissionId: saved.submissionId,
      outcome,
      status: saved.status,
    });
  } catch (error) {
    await scheduleRetry(record, error);
    throw error;
  }
}

/**
 * OrdersProcessor: records each order of the batch. A failed record is
 * reported in `batchItemFailures` and never fails its batch-mates.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  return processPartialResponse(event, processRecord, processor, { context, throwOnFullBatchFailure: false });
}
