import type { ErrorDetail } from "../../domain/errors.ts";
import { PoisonMessageError } from "../../domain/errors.ts";
import { parseOrderMessage } from "../../domain/order-message.ts";
import type { OrderValidator } from "../../domain/validation.ts";
import type { DeadLetterStore, OrderRepository } from "../../ports.ts";
import { takeOne } from "./take-one.ts";

export interface DryRunVerdict {
  messageId: string;
  /** Whether the processor could read the message at all. */
  readable: boolean;
  orderId?: string;
  valid?: boolean;
  errors: ErrorDetail[];
  /** What processing would make of it. */
  wouldBe?: "original" | "duplicate" | "redelivery";
  wouldWriteS3: boolean;
}

export interface DryRunDeps {
  deadLetters: DeadLetterStore;
  repository: OrderRepository;
  validate: OrderValidator;
}

/**
 * Runs the processor's decision on a dead letter with no side effect: reads
 * only, and the message goes straight back to the dead-letter queue.
 */
export async function dryRunDeadLetter(rawId: string, deps: DryRunDeps): Promise<DryRunVerdict> {
  const letter = await takeOne(rawId, deps.deadLetters);
  await deps.deadLetters.release(letter);
  let message: ReturnType<typeof parseOrderMessage>;
  try {
    message = parseOrderMessage(letter.body);
  } catch (error) {
    if (!(error instanceof PoisonMessageError)) throw error;
    const errors = error.details ?? [{ field: "body", code: "not_json", message: error.message }];
    return { messageId: letter.messageId, readable: false, errors, wouldWriteS3: false };
  }
  const verdict = deps.validate(message.order);
  const history = await deps.repository.findHistory(message.order.id);
  const records = history ? [history.original, ...history.duplicates] : [];
  const mine = records.find((record) => record.submissionId === message.submissionId);
  const wouldBe = mine ? "redelivery" : history ? "duplicate" : "original";
  const archived = wouldBe === "original" ? verdict.valid : Boolean(mine && !mine.isDuplicate && mine.s3Key);
  return {
    messageId: letter.messageId,
    readable: true,
    orderId: message.order.id,
    valid: verdict.valid,
    errors: verdict.valid ? [] : verdict.errors,
    wouldBe,
    wouldWriteS3: archived,
  };
}
