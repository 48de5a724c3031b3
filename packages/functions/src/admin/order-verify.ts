import { verifyOrder } from "@orders/core/use-cases/audit/verify-order";
import { orderArchive } from "../composition/bucket.ts";
import { accountLedger, orderRepository, stockLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = {
  repository: orderRepository(),
  stock: stockLedger(),
  accounts: accountLedger(),
  archive: orderArchive(),
};

/** POST /orders/{id}/verify-consistency: the order against its reservations, ledger entries and S3 object. */
export const handler = adminRoute({ body: false }, async (event) => {
  const { consistent, checks } = await verifyOrder(event.pathParameters?.id ?? "", deps);
  return json(200, { consistent, checks });
});
