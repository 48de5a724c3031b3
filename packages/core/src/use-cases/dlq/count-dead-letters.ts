import type { DeadLetterQueue } from "../../ports.ts";

export interface DeadLetterDepth {
  /** Approximate: SQS's count of visible messages. */
  depth: number;
}

/**
 * How many messages wait in the dead-letter queue: one attribute read, with no
 * message received, so an operator's screen may poll it without taking
 * letters out of sight of a redrive in progress.
 */
export async function countDeadLetters(deps: { deadLetters: DeadLetterQueue }): Promise<DeadLetterDepth> {
  return { depth: await deps.deadLetters.depth() };
}
