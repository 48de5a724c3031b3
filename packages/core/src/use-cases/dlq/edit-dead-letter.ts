import { randomUUID } from "node:crypto";
import * as z from "zod/mini";
import { OrderRejectedError } from "../../domain/errors.ts";
import { ChannelSchema, type OrderMessage, OrderMessageSchema } from "../../domain/order.ts";
import type { OrderValidator } from "../../domain/validation.ts";
import type { Clock } from "../../ports.ts";
import { moveBack, type RedriveDeps, type RedriveResult } from "./redrive-dead-letters.ts";
import { takeOne } from "./take-one.ts";

export interface EditDeadLetterInput {
  messageId: string;
  order: unknown;
  actor: string;
}

export interface EditDeadLetterDeps extends Omit<RedriveDeps, "sleep"> {
  validate: OrderValidator;
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
 * any, nothing moves and the reasons come back (422). Otherwise the edited
 * message is redriven in place of the old one.
 */
export async function editDeadLetter(input: EditDeadLetterInput, deps: EditDeadLetterDeps): Promise<RedriveResult> {
  const verdict = deps.validate(input.order);
  if (!verdict.valid) {
    throw new OrderRejectedError("The edited order breaks the processor's rules; nothing was moved", {
      details: verdict.errors,
    });
  }
  const letter = await takeOne(input.messageId, deps.deadLetters);
  const message = correctedMessage(letter.body, input.order as OrderMessage["order"], deps.clock);
  return moveBack(letter, JSON.stringify(message), "EDIT", input.actor, deps);
}
