import { type HandleFailedAttemptDeps, handleFailedAttempt } from "@orders/core/use-cases/handle-failed-attempt";
import type { SQSRecord } from "aws-lambda";
import { logger } from "../composition/logger.ts";

export interface FailureReporting {
  /** Where the reason is kept and how the retry is delayed, on the record's own queue. */
  onFailure: HandleFailedAttemptDeps;
  /** The log line's message, e.g. "order processing failed". */
  message: string;
  /** Counts the failed attempt as a metric. */
  count: () => void;
}

/**
 * A reporter for one queue's failed records: it records why the record
 * failed and delays its retry; the failure still goes back to SQS, and after
 * the last attempt to its DLQ. Shared by every queue handler.
 */
export function failureReporter({ onFailure, message, count }: FailureReporting) {
  return async function reportFailure(record: SQSRecord, error: unknown): Promise<void> {
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    const failed = { body: record.body, receiptHandle: record.receiptHandle, attempt, error };
    const { report, retryInSeconds, problems } = await handleFailedAttempt(failed, onFailure);
    count();
    const { message: reason, ...rest } = report;
    // `message` is Powertools' own key: logged under it, the reason would be dropped.
    logger.warn(message, { messageId: record.messageId, attempt, retryInSeconds, ...rest, reason, error });
    for (const problem of problems) logger.error("could not record the failure or delay the retry", { error: problem });
  };
}
