import { parseInput, SkuSchema } from "../../domain/admin-inputs.ts";
import { StockNotFoundError } from "../../domain/errors.ts";
import type { StockLedger, StockLevel } from "../../ports.ts";

/** A sku's stock: onHand, reserved and available. */
export async function getStock(rawSku: string, deps: { stock: StockLedger }): Promise<StockLevel> {
  const sku = parseInput(SkuSchema, rawSku, "The sku", "sku");
  const level = await deps.stock.find(sku);
  if (!level) throw new StockNotFoundError(`No stock item has sku ${sku}`);
  return level;
}
