import { PoisonMessageError } from "./errors.ts";
import type { OrderMessage } from "./order.ts";
import { parseQueueMessage } from "./queue-message.ts";

/**
 * Reads a queue message body that must be an order submission (a dead
 * letter's dry run, say). A body that is not JSON, lacks a submission id or a
 * well-formed order id, or is a cancellation, can never succeed as one: it is
 * a poison message.
 */
export function parseOrderMessage(body: string): OrderMessage {
  const queued = parseQueueMessage(body);
  if (queued.kind !== "order") throw new PoisonMessageError("The message is a cancellation, not an order submission");
  return queued.message;
}
