import { setStock } from "@orders/core/use-cases/inventory/set-stock";
import { stockLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { StockLevelBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { stock: stockLedger() };

/** PUT /inventory/{sku} `{onHand}`: sets the physical count; 409 below what is reserved. */
export const handler = adminRoute({ body: true }, async (event) => {
  const level: StockLevelBody = await setStock(event.pathParameters?.sku ?? "", event.body, deps);
  return json(200, level);
});
