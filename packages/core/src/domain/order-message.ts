import { PoisonMessageError } from "./errors.ts";
import { type OrderMessage, OrderMessageSchema } from "./order.ts";
import { toDetail } from "./validation.ts";

/**
 * Reads a queue message body. A body that is not JSON, or lacks a submission id
 * or a well-formed order id, can never succeed: it is a poison message.
 */
export function parseOrderMessage(body: string): OrderMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new PoisonMessageError("The message body is not JSON", { cause });
  }
  const parsed = OrderMessageSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    throw new PoisonMessageError("The message is not an order submission", {
      details: parsed.error.issues.map(toDetail),
    });
  }
  return parsed.data;
}
