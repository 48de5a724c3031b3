import { accountSchema } from "./account.ts";
import { accountEntrySchema } from "./account-entry.ts";
import { auditEntrySchema } from "./audit-entry.ts";
import { duplicateMarkerSchema } from "./duplicate-marker.ts";
import { failureSchema } from "./failure.ts";
import { notificationSchema } from "./notification.ts";
import { orderSchema } from "./order.ts";
import { orderDuplicateSchema } from "./order-duplicate.ts";
import { stockSchema } from "./stock.ts";
import { stockReservationSchema } from "./stock-reservation.ts";
import { webhookSchema } from "./webhook.ts";
import { webhookCircuitSchema } from "./webhook-circuit.ts";

/**
 * The physical design of the one table, derived from the entities' indexes so
 * that `infra/` and the local runtime cannot disagree with ElectroDB.
 */
export { IDEMPOTENCY_EXPIRY_ATTRIBUTE } from "./idempotency-record.ts";

export interface TableDesign {
  /** Every key attribute, all strings. */
  fields: Record<string, "string">;
  primaryIndex: { hashKey: string; rangeKey: string };
  /** Each global index with what it projects, in SST's terms (`sst.aws.Dynamo`'s `projection`). */
  globalIndexes: Record<string, { hashKey: string; rangeKey: string; projection: "all" | "keys-only" }>;
}

interface IndexShape {
  index?: string;
  /** ElectroDB's index option; absent means every attribute. */
  projection?: "all" | "keys_only";
  pk: { field: string };
  sk?: { field: string };
}

interface SchemaShape {
  indexes: Record<string, IndexShape>;
}

export const tableSchemas: readonly SchemaShape[] = [
  orderSchema,
  orderDuplicateSchema,
  duplicateMarkerSchema,
  failureSchema,
  auditEntrySchema,
  stockSchema,
  accountSchema,
  accountEntrySchema,
  stockReservationSchema,
  notificationSchema,
  webhookSchema,
  webhookCircuitSchema,
];

/** Reads the table design off entity schemas; throws if two entities disagree. */
export function tableDesign(schemas: readonly SchemaShape[] = tableSchemas): TableDesign {
  const fields: TableDesign["fields"] = {};
  let primaryIndex: TableDesign["primaryIndex"] | undefined;
  const globalIndexes: TableDesign["globalIndexes"] = {};

  for (const schema of schemas) {
    for (const [accessPattern, index] of Object.entries(schema.indexes)) {
      if (!index.sk) throw new Error(`Index ${accessPattern} needs a sort key: every table index has one`);
      const keys = { hashKey: index.pk.field, rangeKey: index.sk.field };
      fields[keys.hashKey] = "string";
      fields[keys.rangeKey] = "string";
      const existing = index.index === undefined ? primaryIndex : globalIndexes[index.index];
      if (existing && (existing.hashKey !== keys.hashKey || existing.rangeKey !== keys.rangeKey)) {
        throw new Error(`Entities disagree on the keys of index ${index.index ?? "primary"}`);
      }
      if (index.index === undefined) {
        primaryIndex = keys;
        continue;
      }
      const projection = index.projection === "keys_only" ? "keys-only" : "all";
      const shared = globalIndexes[index.index];
      if (shared && shared.projection !== projection) {
        throw new Error(`Entities disagree on what index ${index.index} projects`);
      }
      globalIndexes[index.index] = { ...keys, projection };
    }
  }
  if (!primaryIndex) throw new Error("No entity defines the primary index");
  return { fields, primaryIndex, globalIndexes };
}
