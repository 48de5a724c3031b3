import { randomUUID } from "node:crypto";
import * as z from "zod/mini";
import { DependencyError, OrderRejectedError, SubmissionRecordedError } from "../../domain/errors.ts";
import { ChannelSchema, type OrderMessage, OrderMessageSchema } from "../../domain/order.ts";
import type { OrderValidator } from "../../domain/validation.ts";
import type { Clock, OrderRepository } from "../../ports.ts";
import { recordedSubmission } from "./recorded-submission.ts";
import { moveBack, type RedriveDeps, type RedriveResult } from "./redrive-dead-letters.ts";
import { takeOne } from "./take-one.ts";

export interface EditDeadLetterInput {
  messageId: string;
  order: unknown;
  actor: string;
}

export interface EditDeadLetterDeps extends Omit<RedriveDeps, "sleep"> {
  validate: OrderValidator;
  /** Whether the letter's submission, or the edited order's id, is recorded already. */
  repository: Pick<OrderRepository, "findHistory">;
}

/**
 * The corrected message: the same submission (id, time, channel) with the new
 * order. A body that was never a submission becomes a fresh one.
 */
function correctedMessage(body: string, order: OrderMessage["order"], clock: Clock | undefined): OrderMessage {
  let previous: unknown;
  try {
    previous = JSON.parse(body);
  } catch {
    previous = undefined;
  }
  const parsed = z.omit(OrderMessageSchema, { order: true }).safeParse(previous);
  if (parsed.success) return { ...parsed.data, order };
  const channel = ChannelSchema.safeParse(order.channel);
  return {
    submissionId: randomUUID(),
    receivedAt: (clock?.now() ?? new Date()).toISOString(),
    channel: channel.success ? channel.data : "api",
    order,
  };
}

/**
 * Why the processor would not run an edited copy of this letter, if it would
 * not: the letter's own submission is recorded (the copy keeps its submission
 * id, so it is a redelivery of that record), or the edited order's id is
 * recorded from another submission (the copy would be its duplicate).
 */
async function whyIgnored(
  body: string,
  editedId: string,
  repository: EditDeadLetterDeps["repository"],
): Promise<string | undefined> {
  // Each order's history is read once: the edited id is most often the letter's own.
  const histories = new Map<string, ReturnType<typeof repository.findHistory>>();
  const readOnce = {
    findHistory(orderId: string) {
      const history = histories.get(orderId) ?? repository.findHistory(orderId);
      histories.set(orderId, history);
      return history;
    },
  };
  const own = await recordedSubmission(body, readOnce);
  if (own) {
    const as = own.isDuplicate ? "as a duplicate" : `as ${own.status}`;
    return `Order ${own.orderId} was recorded from this message (${as}): an edited copy would be taken for it, not run`;
  }
  const history = await readOnce.findHistory(editedId);
  if (history) {
    return `Order ${editedId} is recorded already, from another submission (${history.original.status}): an edited copy would be stored as its duplicate, not run`;
  }
  return undefined;
}

/**
 * Re-validates an edited order with the processor's own rules. If it breaks
 * any, nothing moves and the reasons come back (422). An edit the processor
 * would not run (`whyIgnored`) is refused (409). Otherwise the edited message
 * is redriven in place of the old one, whose body the audit keeps; a send or
 * an audit that fails is an error (503), the letter left where it was.
 */
export async function editDeadLetter(input: EditDeadLetterInput, deps: EditDeadLetterDeps): Promise<RedriveResult> {
  const verdict = deps.validate(input.order);
  if (!verdict.valid) {
    throw new OrderRejectedError("The edited order breaks the processor's rules; nothing was moved", {
      details: verdict.errors,
    });
  }
  const order = input.order as OrderMessage["order"];
  const letter = await takeOne(input.messageId, deps.deadLetters);
  const refusal = await whyIgnored(letter.body, order.id, deps.repository).catch(async (error: unknown) => {
    await deps.deadLetters.release(letter).catch(() => undefined);
    throw error;
  });
  if (refusal) {
    await deps.deadLetters.release(letter).catch(() => undefined);
    throw new SubmissionRecordedError(
      `${refusal}. Redrive it as it is, or discard it and submit the correction under a new id`,
    );
  }
  const message = correctedMessage(letter.body, order, deps.clock);
  const result = await moveBack(letter, JSON.stringify(message), "EDIT", input.actor, deps);
  if (result.status === "FAILED") {
    const message = `The edit did not complete: ${result.error}; the message is still in the DLQ`;
    throw new DependencyError("queue", message, { cause: result.error });
  }
  return result;
}
