import { handleFailedAttempt } from "@orders/core/use-cases/handle-failed-attempt";
import type { SQSRecord } from "aws-lambda";
import { logger } from "../composition/logger.ts";
import { retryScheduler } from "../composition/queues.ts";
import { retryPolicy } from "../composition/settings.ts";
import { failureLog } from "../composition/table.ts";
import { countFailure } from "../metrics.ts";

const onFailure = { failures: failureLog(), retries: retryScheduler(), policy: retryPolicy() };

/** Records why the record failed and delays its retry; the failure still goes back to SQS. */
export async function reportFailure(record: SQSRecord, error: unknown): Promise<void> {
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
