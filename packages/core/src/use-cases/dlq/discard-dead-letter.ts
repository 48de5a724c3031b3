import { randomUUID } from "node:crypto";
import * as z from "zod/mini";
import { parseOrThrow } from "../../domain/admin.ts";
import { orderIdOf, submissionIdOf } from "../../domain/dead-letter.ts";
import type { AuditLog, Clock, DeadLetterStore } from "../../ports.ts";
import { takeOne } from "./take-one.ts";

const ReasonSchema = z
  .string()
  .check(z.trim(), z.minLength(3, { error: "say why, in at least 3 characters" }), z.maxLength(500));

export interface DiscardInput {
  messageId: string;
  reason: unknown;
  actor: string;
}

export interface DiscardDeps {
  deadLetters: DeadLetterStore;
  audit: AuditLog;
  clock?: Clock;
}

/**
 * Deletes a dead letter for good, after writing its body and the reason to
 * the audit: the message leaves the queue but is never lost.
 */
export async function discardDeadLetter(
  input: DiscardInput,
  deps: DiscardDeps,
): Promise<{ messageId: string; status: "DISCARDED" }> {
  const reason = parseOrThrow(ReasonSchema, input.reason, "The reason");
  const letter = await takeOne(input.messageId, deps.deadLetters);
  await deps.audit.append({
    auditId: randomUUID(),
    at: (deps.clock?.now() ?? new Date()).toISOString(),
    action: "DISCARD",
    actor: input.actor,
    oldMessageId: letter.messageId,
    orderId: orderIdOf(letter.body),
    submissionId: submissionIdOf(letter.body),
    result: "OK",
    detail: reason,
    body: letter.body,
  });
  await deps.deadLetters.delete(letter);
  return { messageId: letter.messageId, status: "DISCARDED" };
}
