import { DependencyRejectedError, PoisonMessageError } from "./errors.ts";

export interface RetryPolicy {
  /** The first retry waits about 2 × base seconds, the next 4 ×, and so on. */
  baseSeconds: number;
  /** No retry waits longer than this. */
  maxSeconds: number;
  /** Receives before the queue moves a message to its dead-letter queue. */
  maxReceiveCount: number;
}

/** SQS refuses visibility timeouts above 12 hours. */
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * How long a failed message should stay hidden before its next attempt:
 * exponential in the attempt number, with jitter so that a burst of failures
 * does not come back as a burst, and capped. A message that can never succeed
 * (poison, or a request the dependency refuses as invalid), or has used its
 * last attempt, comes back at once so that the queue moves it
 * to the dead-letter queue without wasting time.
 */
export function retryDelaySeconds(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const permanent = error instanceof PoisonMessageError || error instanceof DependencyRejectedError;
  if (permanent || attempt >= policy.maxReceiveCount) return 0;
  const ceiling = Math.min(policy.maxSeconds, SQS_MAX_VISIBILITY_SECONDS, policy.baseSeconds * 2 ** attempt);
  return Math.max(0, Math.round(ceiling * (0.5 + random() / 2)));
}
