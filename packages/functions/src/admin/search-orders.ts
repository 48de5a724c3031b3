import { searchOrders } from "@orders/core/use-cases/search-orders";
import { orderRepository } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = { repository: orderRepository() };

/** GET /admin/orders?status=&from=&to=&limit=&cursor=: every account's orders in a window, newest first. */
export const handler = adminRoute({ body: false }, async (event) => {
  return json(200, await searchOrders(event.queryStringParameters ?? {}, deps));
});
