import { getStock } from "@orders/core/use-cases/inventory/get-stock";
import { stockLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { StockLevelBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { stock: stockLedger() };

/** GET /inventory/{sku}: onHand, reserved and available, or 404. Admin: stock levels are operational data. */
export const handler = adminRoute({ body: false }, async (event) => {
  const level: StockLevelBody = await getStock(event.pathParameters?.sku ?? "", deps);
  return json(200, level);
});
