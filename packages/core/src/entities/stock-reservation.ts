import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * A settled reservation marker, moved out of its sku's item: committed,
 * released or returned. A stock item keeps the markers of recent and held
 * reservations only (at most `STOCK_MARKER_CAP`); the rest are archived here,
 * one item per marker, under the marker's key (a hash of the order id).
 */
export const stockReservationSchema = {
  model: { entity: "stockReservation", version: "1", service: "orders" },
  attributes: {
    sku: { type: "string", required: true, readOnly: true },
    markerKey: { type: "string", required: true, readOnly: true },
    /** The marker as it was in the sku's item, e.g. `C2`. */
    marker: { type: "string", required: true },
    archivedAt: { type: "string", required: true },
  },
  indexes: {
    byMarker: primaryKeys(["sku", "markerKey"], []),
  },
} as const;

export type StockReservationItem = SchemaItem<typeof stockReservationSchema>;
