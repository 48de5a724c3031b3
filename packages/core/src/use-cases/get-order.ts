import { type OrderSight, orderNotFound, orderSight } from "../domain/access.ts";
import type { Caller } from "../domain/caller.ts";
import { InvalidInputError } from "../domain/errors.ts";
import { OrderIdSchema } from "../domain/order.ts";
import { toDetail } from "../domain/validation.ts";
import type { OrderArchive, OrderHistory, OrderReader } from "../ports.ts";

export interface GetOrderDeps {
  repository: OrderReader;
  archive: OrderArchive;
}

export interface OrderLookup extends OrderHistory {
  /** Presigned download of the archived JSON; only when it is stored, and never for a payee. */
  jsonUrl: string | undefined;
  /** How much of the order this caller may see. */
  sight: OrderSight;
}

/**
 * Reads back an order for `caller`: its original record, every duplicate, and
 * a download link for the archived JSON when there is one. An order the
 * caller may not see is answered exactly as one that does not exist.
 */
export async function getOrder(rawId: string, caller: Caller, deps: GetOrderDeps): Promise<OrderLookup> {
  const id = OrderIdSchema.safeParse(rawId, { reportInput: true });
  if (!id.success) {
    throw new InvalidInputError("The order id is malformed", { details: id.error.issues.map(toDetail) });
  }
  // The original alone first: a hidden order costs the same one read as a missing one, so timing tells nothing.
  const original = await deps.repository.findOriginal(id.data);
  const sight = original ? orderSight(caller, original) : undefined;
  if (!sight) throw orderNotFound(id.data);
  const history = await deps.repository.findHistory(id.data);
  if (!history) throw orderNotFound(id.data);
  const { s3Key } = history.original;
  const jsonUrl = s3Key && sight !== "payee" ? await deps.archive.downloadUrl(s3Key) : undefined;
  return { ...history, jsonUrl, sight };
}
