import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parseOrderMessage } from "@orders/core/domain/order-message";
import { processOrder } from "@orders/core/use-cases/process-order";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { orderArchive } from "../composition/bucket.ts";
import { logger } from "../composition/logger.ts";
import { orderValidator } from "../composition/settings.ts";
import { accountLedger, orderRepository, stockLedger } from "../composition/table.ts";
import { countProcessed, metrics } from "../metrics.ts";
import { reportFailure } from "./report-failure.ts";

const deps = {
  repository: orderRepository(),
  archive: orderArchive(),
  validate: orderValidator(),
  stock: stockLedger(),
  accounts: accountLedger(),
};
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
