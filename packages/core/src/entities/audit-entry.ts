import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/** One operator action on the DLQ. All entries share a partition, newest last. */
export const auditEntrySchema = {
  model: { entity: "auditEntry", version: "1", service: "orders" },
  attributes: {
    auditId: { type: "string", required: true, readOnly: true },
    at: { type: "string", required: true, readOnly: true },
    action: { type: ["REDRIVE", "EDIT", "DISCARD"] as const, required: true },
    actor: { type: "string", required: true },
    oldMessageId: { type: "string", required: true },
    newMessageId: { type: "string" },
    orderId: { type: "string" },
    submissionId: { type: "string" },
    result: { type: ["OK", "FAILED"] as const, required: true },
    detail: { type: "string" },
    body: { type: "string" },
  },
  indexes: {
    byTime: primaryKeys([], ["at", "auditId"]),
  },
} as const;

/** A stored item, as ElectroDB returns it. (Type only: no entity is built at import.) */
export type AuditEntryItem = SchemaItem<typeof auditEntrySchema>;
