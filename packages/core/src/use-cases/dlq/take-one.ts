import { MessageIdSchema, parseOrThrow } from "../../domain/admin.ts";
import type { DeadLetter } from "../../domain/dead-letter.ts";
import { DeadLetterNotFoundError } from "../../domain/errors.ts";
import type { DeadLetterStore } from "../../ports.ts";

/** Receives and holds one dead letter by id, or throws a 404-mapped error. */
export async function takeOne(rawId: string, deadLetters: DeadLetterStore): Promise<DeadLetter> {
  const messageId = parseOrThrow(MessageIdSchema, rawId, "The message id");
  const [letter] = await deadLetters.take([messageId]);
  if (!letter) {
    throw new DeadLetterNotFoundError(
      `No message ${messageId} in the dead-letter queue: it may have been redriven or discarded`,
    );
  }
  return letter;
}
