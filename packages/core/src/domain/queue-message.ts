import * as z from "zod/mini";
import { PoisonMessageError } from "./errors.ts";
import { OrderIdSchema, type OrderMessage, OrderMessageSchema } from "./order.ts";
import { toDetail } from "./validation.ts";

/** A request to cancel an order, on OrdersQueue beside the submissions. */
export const CancelMessageSchema = z.object({
  kind: z.literal("cancel"),
  orderId: OrderIdSchema,
  reason: z.string().check(z.minLength(1), z.maxLength(500)),
  requestedAt: z.iso.datetime(),
});
export type CancelMessage = z.infer<typeof CancelMessageSchema>;

export type QueueMessage = { kind: "order"; message: OrderMessage } | { kind: "cancel"; message: CancelMessage };

/** A queue message's body as JSON; a body that is not JSON can never succeed: it is a poison message. */
export function parseMessageJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (cause) {
    throw new PoisonMessageError("The message body is not JSON", { cause });
  }
}

/**
 * Reads a body from OrdersQueue: a submission (the shape from before
 * cancellations existed, with no `kind`) or a cancellation. Anything else can
 * never succeed: it is a poison message.
 */
export function parseQueueMessage(body: string): QueueMessage {
  const json = parseMessageJson(body);
  const isCancel = (json as { kind?: unknown } | null)?.kind === "cancel";
  const parsed = isCancel
    ? CancelMessageSchema.safeParse(json, { reportInput: true })
    : OrderMessageSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    throw new PoisonMessageError(
      isCancel ? "The message is not a cancellation" : "The message is not an order submission",
      {
        details: parsed.error.issues.map(toDetail),
      },
    );
  }
  return isCancel
    ? { kind: "cancel", message: parsed.data as CancelMessage }
    : { kind: "order", message: parsed.data as OrderMessage };
}
