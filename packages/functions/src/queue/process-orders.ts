import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parseOrderMessage } from "@orders/core/domain/order-message";
import { handleFailedAttempt } from "@orders/core/use-cases/handle-failed-attempt";
import { processOrder } from "@orders/core/use-cases/process-order";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { orderArchive } from "../composition/bucket.ts";
import { logger } from "../composition/logger.ts";
import { retryScheduler } from "../composition/queues.ts";
import { orderValidator, retryPolicy } from "../composition/settings.ts";
import { accountLedger, failureLog, orderRepository, stockLedger } from "../composition/table.ts";
import { countFailure, countProcessed, metrics } from "../metrics.ts";

const deps = {
  repository: orderRepository(),
  archive: orderArchive(),
  validate: orderValidator(),
  stock: stockLedger(),
  accounts: accountLedger(),
};
const onFailure = { failures: failureLog(), retries: retryScheduler(), policy: retryPolicy() };

/** Records why the record failed and delays its retry; the failure still goes back to SQS. */
async function reportFailure(record: SQSRecord, error: unknown): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const failed = { body: record.body, receiptHandle: record.receiptHandle, attempt, error };
  const { report, retryInSeconds, problems } = await handleFailedAttempt(failed, onFailure);
  countFailure();
  const { message: reason, ...rest } = report;
  // `message` is Powertools' own key: logged under it, the reason would be dropped.
  logger.warn("order processing failed", {
    messageId: record.messageId,
    attempt,
    retryInSeconds,
    ...rest,
    reason,
    error,
  });
  for (const problem of problems) logger.error("could not record the failure or delay the retry", { error: problem });
}

async function processRecord(record: SQSRecord): Promise<void> {
  try {
    const message = parseOrderMessage(record.body);
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    const { outcome, record: saved } = await processOrder(message, deps, attempt);
    countProcessed(outcome, saved.status);
    logger.info("order processed", {
      orderId: saved.orderId,
      submissionId: saved.submissionId,
      outcome,
      status: saved.status,
      ...(saved.failure ? { failureCode: saved.failure.code } : {}),
    });
  } catch (error) {
    await reportFailure(record, error);
    throw error;
  }
}

/**
 * OrdersProcessor: records each order of the batch. A failed record is
 * reported in `batchItemFailures` and never fails its batch-mates.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  // One processor per invocation: it holds the batch's state, and a host that
  // runs invocations concurrently in one process (the local runtime) must not share it.
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(event, processRecord, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  // A batch of redeliveries counts nothing; publishing nothing would only log a warning.
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  return response;
}
