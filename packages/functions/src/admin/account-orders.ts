import { listedFor } from "@orders/core/domain/access";
import { listAccountOrders } from "@orders/core/use-cases/accounts/list-account-orders";
import { orderRepository } from "../composition/table.ts";
import { accountReadRoute } from "../http/account-route.ts";
import type { AccountOrdersBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { repository: orderRepository() };

/** GET /accounts/{id}/orders?role=&status=&limit=&cursor=: the account's orders, newest first, a page at a time. */
export const handler = accountReadRoute(async (accountId, caller, event) => {
  const page: AccountOrdersBody = await listAccountOrders(accountId, event.queryStringParameters ?? {}, deps);
  return json(200, { ...page, orders: page.orders.map((order) => listedFor(caller, order)) });
});
