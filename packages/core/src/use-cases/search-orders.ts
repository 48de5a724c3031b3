import { type ListedOrder, listedOrder } from "../domain/order-listing.ts";
import { readSearch, searchCursor } from "../domain/order-search.ts";
import type { Clock, OrderRepository } from "../ports.ts";

/** A page of the search, its window as read, and the cursor of the next page while there may be more. */
export interface OrderSearchPage {
  from: string;
  to: string;
  orders: ListedOrder[];
  cursor?: string;
}

/**
 * Every account's orders received in a window (`from`, `to`: the last day by
 * default, at most a week), newest first, with a status or any: the
 * operators' search. Every input is checked (400 with details); a cursor
 * carries its search's status and window, and is refused by another.
 */
export async function searchOrders(
  rawQuery: Record<string, string | undefined>,
  deps: { repository: OrderRepository; clock?: Clock },
): Promise<OrderSearchPage> {
  const search = readSearch(rawQuery, deps.clock?.now() ?? new Date());
  const page = await deps.repository.search(search);
  return {
    from: search.from,
    to: search.to,
    orders: page.orders.map(listedOrder),
    ...(page.next ? { cursor: searchCursor(search, page.next) } : {}),
  };
}
