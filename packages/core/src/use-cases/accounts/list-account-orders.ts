import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import {
  decodeCursor,
  encodeCursor,
  type ListedOrder,
  ListingQuerySchema,
  type ListingScope,
  listedOrder,
} from "../../domain/order-listing.ts";
import type { OrderRepository } from "../../ports.ts";

/** A page of an account's orders, and the cursor of the next one while there may be more. */
export interface AccountOrdersPage {
  orders: ListedOrder[];
  cursor?: string;
}

/**
 * An account's orders as payer (default) or payee, newest first, one page at
 * a time. Every input is checked (400 with details); an account with no
 * orders, or none that was ever opened, has an empty listing, not a 404:
 * orders name accounts whether or not they exist.
 */
export async function listAccountOrders(
  rawId: string,
  rawQuery: Record<string, string | undefined>,
  deps: { repository: OrderRepository },
): Promise<AccountOrdersPage> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const query = parseInput(ListingQuerySchema, rawQuery, "The query", "query");
  const scope: ListingScope = { accountId, role: query.role, status: query.status };
  const after = query.cursor === undefined ? undefined : decodeCursor(scope, query.cursor);
  const page = await deps.repository.listByAccount({ ...scope, limit: query.limit, after });
  return {
    orders: page.orders.map(listedOrder),
    ...(page.next ? { cursor: encodeCursor(scope, page.next) } : {}),
  };
}
