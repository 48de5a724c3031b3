import { randomUUID } from "node:crypto";
import * as z from "zod/mini";
import { parseOrThrow } from "../../domain/admin.ts";
import { orderIdOf, submissionIdOf } from "../../domain/dead-letter.ts";
import { CancellationUnfinishedError } from "../../domain/errors.ts";
import { OrderIdSchema } from "../../domain/order.ts";
import { parseQueueMessage, type QueueMessage } from "../../domain/queue-message.ts";
import type { AuditLog, Clock, DeadLetterStore, OrderEventPublisher } from "../../ports.ts";
import { announceOrder } from "../announce-order.ts";
import { type RunSagaDeps, runSaga } from "../run-saga.ts";
import { takeOne } from "./take-one.ts";

const ReasonSchema = z
  .string()
  .check(z.trim(), z.minLength(3, { error: "say why, in at least 3 characters" }), z.maxLength(500));

export interface DiscardInput {
  messageId: string;
  reason: unknown;
  actor: string;
}

export interface DiscardDeps extends RunSagaDeps {
  deadLetters: DeadLetterStore;
  audit: AuditLog;
  events: OrderEventPublisher;
  clock?: Clock;
}

/**
 * Deletes a dead letter for good, after writing its body and the reason to
 * the audit: the message leaves the queue but is never lost. If the message
 * is the original of an order whose saga stopped part-way, the saga is
 * compensated first (DISCARDED), so that no stock or money stays held, and
 * the original's outcome is published (again, if it had ended: the message
 * may be the last holder of an event a dead sweep never published); if
 * either fails, nothing is deleted.
 */
export async function discardDeadLetter(
  input: DiscardInput,
  deps: DiscardDeps,
): Promise<{ messageId: string; status: "DISCARDED" }> {
  const reason = parseOrThrow(ReasonSchema, input.reason, "The reason");
  const letter = await takeOne(input.messageId, deps.deadLetters);
  // Refused or failed: the message is given back at once, not left hidden until its visibility times out.
  const compensated = await compensate(letter.body, reason, deps).catch(async (error: unknown) => {
    await deps.deadLetters.release(letter).catch(() => undefined);
    throw error;
  });
  await deps.audit.append({
    auditId: randomUUID(),
    at: (deps.clock?.now() ?? new Date()).toISOString(),
    action: "DISCARD",
    actor: input.actor,
    oldMessageId: letter.messageId,
    orderId: orderIdOf(letter.body),
    submissionId: submissionIdOf(letter.body),
    result: "OK",
    detail: compensated ? `${reason} (saga compensated: ${compensated})` : reason,
    body: letter.body,
  });
  await deps.deadLetters.delete(letter);
  return { messageId: letter.messageId, status: "DISCARDED" };
}

/**
 * Ends the saga of the order this message is the original of, if it is still
 * PENDING, and publishes the original's outcome; returns how a compensated saga ended.
 */
async function compensate(body: string, reason: string, deps: DiscardDeps): Promise<string | undefined> {
  const cancel = cancellationIn(body);
  if (cancel) {
    await announceCancelled(cancel.message.orderId, deps);
    return undefined;
  }
  const orderId = OrderIdSchema.safeParse(orderIdOf(body));
  if (!orderId.success) return undefined;
  const history = await deps.repository.findHistory(orderId.data);
  const original = history?.original;
  if (!original || original.submissionId !== submissionIdOf(body)) return undefined;
  if (original.status !== "PENDING") {
    await announceOrder(original, deps.events);
    return undefined;
  }
  const ended = await runSaga(original, deps, {
    attempt: 0,
    abort: { code: "DISCARDED", message: `Discarded from the dead-letter queue: ${reason}` },
  });
  await announceOrder(ended, deps.events);
  return ended.status;
}

/** The cancellation a dead letter carries, if it is one. */
function cancellationIn(body: string): Extract<QueueMessage, { kind: "cancel" }> | undefined {
  try {
    const message = parseQueueMessage(body);
    return message.kind === "cancel" ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A cancellation's message may be the last holder of its order's events (a
 * publish that kept failing): they are published before it goes. One still
 * CANCELLING is refused: discarding it would leave the order there for good.
 */
async function announceCancelled(orderId: string, deps: DiscardDeps): Promise<void> {
  const original = (await deps.repository.findHistory(orderId))?.original;
  if (original?.status === "CANCELLING") {
    throw new CancellationUnfinishedError(
      `Order ${orderId} is still CANCELLING: redrive this cancellation (after fixing its cause), do not discard it`,
    );
  }
  if (original) await announceOrder(original, deps.events);
}
