import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { logger } from "../composition/logger.ts";
import { inRecordTrace } from "../composition/tracing.ts";
import { metrics } from "../metrics.ts";
import { type FailureReporting, failureReporter } from "./report-failure.ts";

/** One record's work: `attempt` is its receive count, `context` the invocation's. */
export type RecordHandler = (record: SQSRecord, attempt: number, context: Context) => Promise<void>;

/**
 * An SQS handler from a per-record function: each failed record is reported
 * (its reason kept, its retry delayed) and returned in `batchItemFailures`,
 * never failing its batch-mates; the batch's metrics are flushed once.
 */
export function sqsBatchHandler(handle: RecordHandler, failures: FailureReporting) {
  const reportFailure = failureReporter(failures);
  return async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    logger.addContext(context);
    async function processRecord(record: SQSRecord): Promise<void> {
      // In the trace its message carries: the order's, from POST /orders on.
      await inRecordTrace(record, async () => {
        try {
          await handle(record, Number(record.attributes.ApproximateReceiveCount) || 1, context);
        } catch (error) {
          await reportFailure(record, error);
          throw error;
        }
      });
    }
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
  };
}
