import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * One sku's stock. `available = onHand − reserved` is kept as a counter,
 * because a DynamoDB condition cannot do arithmetic. `holds` maps each order
 * (by a hash of its id) to its reservation marker, e.g. `H2`: the marker and
 * the counters change in one conditional write, so a reservation applies once.
 */
export const stockSchema = {
  model: { entity: "stock", version: "1", service: "orders" },
  attributes: {
    sku: { type: "string", required: true, readOnly: true },
    onHand: { type: "number", required: true },
    reserved: { type: "number", required: true },
    available: { type: "number", required: true },
    holds: { type: "any", required: true },
    /** How many times settled markers were archived out of the item (absent: never). See `ledger-fence.ts`. */
    gen: { type: "number" },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    bySku: primaryKeys(["sku"], []),
  },
} as const;

export type StockItem = SchemaItem<typeof stockSchema>;
