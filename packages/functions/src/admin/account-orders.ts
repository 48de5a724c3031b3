import { assertMayReadAccount, listedFor } from "@orders/core/domain/access";
import { listAccountOrders } from "@orders/core/use-cases/accounts/list-account-orders";
import { orderRepository } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { callerOf } from "../http/caller-auth.ts";
import type { AccountOrdersBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { repository: orderRepository() };

/** GET /accounts/{id}/orders?role=&status=&limit=&cursor=: the account's orders, newest first, a page at a time. */
export const handler = adminRoute({ body: false, access: "caller" }, async (event) => {
  const caller = callerOf(event);
  assertMayReadAccount(caller, event.pathParameters?.id ?? "");
  const page: AccountOrdersBody = await listAccountOrders(
    event.pathParameters?.id ?? "",
    event.queryStringParameters ?? {},
    deps,
  );
  return json(200, { ...page, orders: page.orders.map((order) => listedFor(caller, order)) });
});
