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
  /** Whether the letter's submission is recorded already. */
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
 * Re-validates an edited order with the processor's own rules. If it breaks
 * any, nothing moves and the reasons come back (422). A letter whose
 * submission is recorded already is refused (409): the edited copy keeps its
 * submission id, so the processor would run the recorded order and drop the
 * edit. Otherwise the edited message is redriven in place of the old one,
 * whose body the audit keeps; a send that fails is an error (503), the letter
 * left where it was.
 */
export async function editDeadLetter(input: EditDeadLetterInput, deps: EditDeadLetterDeps): Promise<RedriveResult> {
  const verdict = deps.validate(input.order);
  if (!verdict.valid) {
    throw new OrderRejectedError("The edited order breaks the processor's rules; nothing was moved", {
      details: verdict.errors,
    });
  }
  const letter = await takeOne(input.messageId, deps.deadLetters);
  const recorded = await recordedSubmission(letter.body, deps.repository).catch(async (error: unknown) => {
    await deps.deadLetters.release(letter).catch(() => undefined);
    throw error;
  });
  if (recorded) {
    await deps.deadLetters.release(letter).catch(() => undefined);
    throw new SubmissionRecordedError(
      `Order ${recorded.orderId} was recorded from this message (${recorded.status}): ` +
        "an edited copy would run that record, not the edit. Redrive it as it is, or discard it and submit the " +
        "corrected order under a new id",
    );
  }
  const message = correctedMessage(letter.body, input.order as OrderMessage["order"], deps.clock);
  const result = await moveBack(letter, JSON.stringify(message), "EDIT", input.actor, deps);
  if (result.status === "FAILED") {
    throw new DependencyError("queue", `The edited message was not sent (${result.error}); it is still in the DLQ`);
  }
  return result;
}
