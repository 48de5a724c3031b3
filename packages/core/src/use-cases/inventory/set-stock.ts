import { parseInput, SetStockBodySchema, SkuSchema } from "../../domain/admin-inputs.ts";
import type { Clock, StockLedger, StockLevel } from "../../ports.ts";

export interface InventoryDeps {
  stock: StockLedger;
  clock?: Clock;
}

/** Sets a sku's physical count (creating the sku); refused below what is reserved. */
export async function setStock(rawSku: string, body: unknown, deps: InventoryDeps): Promise<StockLevel> {
  const sku = parseInput(SkuSchema, rawSku, "The sku", "sku");
  const { onHand } = parseInput(SetStockBodySchema, body, "The stock body");
  const at = (deps.clock?.now() ?? new Date()).toISOString();
  return deps.stock.setOnHand(sku, onHand, at);
}
