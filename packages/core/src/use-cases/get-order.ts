import { InvalidInputError, OrderNotFoundError } from "../domain/errors.ts";
import { OrderIdSchema } from "../domain/order.ts";
import { toDetail } from "../domain/validation.ts";
import type { OrderArchive, OrderHistory, OrderRepository } from "../ports.ts";

export interface GetOrderDeps {
  repository: OrderRepository;
  archive: OrderArchive;
}

export interface OrderLookup extends OrderHistory {
  /** Presigned download of the archived JSON; only when it is stored. */
  jsonUrl: string | undefined;
}

/**
 * Reads back an order: its original record, every duplicate, and a download
 * link for the archived JSON when there is one.
 */
export async function getOrder(rawId: string, deps: GetOrderDeps): Promise<OrderLookup> {
  const id = OrderIdSchema.safeParse(rawId, { reportInput: true });
  if (!id.success) {
    throw new InvalidInputError("The order id is malformed", { details: id.error.issues.map(toDetail) });
  }
  const history = await deps.repository.findHistory(id.data);
  if (!history) {
    throw new OrderNotFoundError(
      `No processed order has id ${id.data}. If it was just submitted it may still be queued: retry in a few seconds.`,
    );
  }
  const { s3Key } = history.original;
  const jsonUrl = s3Key ? await deps.archive.downloadUrl(s3Key) : undefined;
  return { ...history, jsonUrl };
}
