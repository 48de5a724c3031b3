import { randomUUID } from "node:crypto";
import { MessageIdSchema, parseOrThrow } from "../../domain/admin.ts";
import { type AuditEntry, type DeadLetter, orderIdOf, submissionIdOf } from "../../domain/dead-letter.ts";
import type { AuditLog, Clock, DeadLetterStore, MessageSender } from "../../ports.ts";

export interface RedriveInput {
  ids?: string[] | undefined;
  all?: boolean | undefined;
  /** Sends per second at most; unlimited when absent. */
  maxPerSecond?: number | undefined;
  /** The most messages one call moves (the rest wait for the next call). */
  limit?: number | undefined;
  actor: string;
}

export interface RedriveDeps {
  deadLetters: DeadLetterStore;
  sender: MessageSender;
  audit: AuditLog;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** The queue `sender` sends to, named in the audit; OrdersQueue unless said. */
  queue?: string;
}

export type RedriveResult =
  | { messageId: string; status: "REDRIVEN"; newMessageId: string; orderId?: string | undefined }
  | { messageId: string; status: "FAILED"; error: string }
  | { messageId: string; status: "NOT_FOUND" };

/** How long one rate-limited redrive call may spend sending. */
export const MAX_CALL_SECONDS = 20;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one held letter back (as is, or edited), audits it, then deletes it;
 * a failed send is audited too. Shared with edit, whose audit entry keeps the
 * body it replaced.
 */
export async function moveBack(
  letter: DeadLetter,
  body: string,
  action: AuditEntry["action"],
  actor: string,
  deps: Omit<RedriveDeps, "sleep">,
): Promise<RedriveResult> {
  const entry = {
    auditId: randomUUID(),
    at: (deps.clock?.now() ?? new Date()).toISOString(),
    action,
    actor,
    oldMessageId: letter.messageId,
    orderId: orderIdOf(body),
    submissionId: submissionIdOf(body),
    ...(deps.queue ? { detail: `to ${deps.queue}` } : {}),
    // What an edit replaced is kept, as a discard keeps what it deletes.
    ...(body === letter.body ? {} : { body: letter.body }),
  };
  let newMessageId: string;
  try {
    // Send first, delete only once the send succeeded: a crash in between
    // leaves a copy in both queues, which the processor absorbs (same
    // submission id), never none.
    newMessageId = await deps.sender.send(body, letter.messageAttributes);
  } catch (error) {
    await deps.deadLetters.release(letter).catch(() => undefined);
    await deps.audit.append({ ...entry, result: "FAILED", detail: `send to ${deps.queue ?? "OrdersQueue"} failed` });
    return { messageId: letter.messageId, status: "FAILED", error: (error as Error).message };
  }
  // Audited before the delete, as a discard is: if the audit fails, the letter is released and stays (its copy
  // already sent is absorbed as a redelivery) for the next redrive to audit; never a move without its entry.
  try {
    await deps.audit.append({ ...entry, newMessageId, result: "OK" });
  } catch (error) {
    await deps.deadLetters.release(letter).catch(() => undefined);
    const reason = `sent as ${newMessageId} but not audited (${(error as Error).message}): redrive it again`;
    return { messageId: letter.messageId, status: "FAILED", error: reason };
  }
  await deps.deadLetters.delete(letter);
  return { messageId: letter.messageId, status: "REDRIVEN", newMessageId, orderId: entry.orderId };
}

/**
 * Moves dead letters back to OrdersQueue, unchanged: each keeps its
 * submission id, so the processor's redelivery safety holds and no order is
 * recorded twice. Returns the result per message.
 */
export async function redriveDeadLetters(input: RedriveInput, deps: RedriveDeps): Promise<RedriveResult[]> {
  // At a rate, one call moves only what fits in about 20 s: well inside the
  // 30 s the taken messages stay hidden and the function's timeout. The rest
  // waits for the next call (the CLI loops until nothing moves).
  const fits = input.maxPerSecond
    ? Math.max(1, Math.floor(MAX_CALL_SECONDS * input.maxPerSecond))
    : Number.POSITIVE_INFINITY;
  const limit = Math.min(input.limit ?? 100, fits);
  const ids = input.all
    ? (await deps.deadLetters.scan(limit)).map((letter) => letter.messageId)
    : (input.ids ?? []).map((id) => parseOrThrow(MessageIdSchema, id, "A message id")).slice(0, limit);
  const letters = await deps.deadLetters.take(ids);
  const found = new Set(letters.map((letter) => letter.messageId));
  const results: RedriveResult[] = ids
    .filter((id) => !found.has(id))
    .map((messageId) => ({ messageId, status: "NOT_FOUND" }));
  const gapMs = input.maxPerSecond ? 1000 / input.maxPerSecond : 0;
  for (const [i, letter] of letters.entries()) {
    if (i > 0 && gapMs > 0) await (deps.sleep ?? pause)(gapMs);
    results.push(await moveBack(letter, letter.body, "REDRIVE", input.actor, deps));
  }
  return results;
}
