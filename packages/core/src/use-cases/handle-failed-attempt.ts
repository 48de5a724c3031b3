import { type FailureReport, messageKeyOf, orderIdOf, submissionIdOf } from "../domain/dead-letter.ts";
import { DomainError } from "../domain/errors.ts";
import { type RetryPolicy, retryDelaySeconds } from "../domain/retry-policy.ts";
import type { Clock, FailureLog, RetryScheduler } from "../ports.ts";

export interface FailedAttempt {
  body: string;
  receiptHandle: string;
  /** 1 for the first receive. */
  attempt: number;
  error: unknown;
}

export interface HandleFailedAttemptDeps {
  failures: FailureLog;
  retries: RetryScheduler;
  policy: RetryPolicy;
  clock?: Clock;
}

export interface FailedAttemptOutcome {
  report: FailureReport;
  retryInSeconds: number;
  /** Errors from recording or scheduling: worth a log line, never a reason to lose the message. */
  problems: unknown[];
}

/** The reason an operator reads: the domain message, plus the underlying error's name. */
function describe(error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) {
    const cause = error.cause as { name?: string } | undefined;
    return { code: error.code, message: cause?.name ? `${error.message} (${cause.name})` : error.message };
  }
  return { code: "UNEXPECTED", message: error instanceof Error ? error.name : "Unknown error" };
}

/**
 * After a failed attempt: record why, keyed by the message's stable identity,
 * and hide the message for a backoff before its next try. Both are best
 * effort; the queue brings the message back and moves it to the DLQ anyway.
 */
export async function handleFailedAttempt(
  failed: FailedAttempt,
  deps: HandleFailedAttemptDeps,
): Promise<FailedAttemptOutcome> {
  const report: FailureReport = {
    messageKey: messageKeyOf(failed.body),
    ...describe(failed.error),
    at: (deps.clock?.now() ?? new Date()).toISOString(),
    orderId: orderIdOf(failed.body),
    submissionId: submissionIdOf(failed.body),
  };
  const retryInSeconds = retryDelaySeconds(failed.attempt, failed.error, deps.policy);
  const results = await Promise.allSettled([
    deps.failures.record(report),
    deps.retries.retryAfter(failed.receiptHandle, retryInSeconds),
  ]);
  const problems = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  return { report, retryInSeconds, problems };
}
