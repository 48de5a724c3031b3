import { globalIndexKeys, primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * Why a message failed, keyed by its stable identity (submission id or body
 * hash), so the reason survives the DLQ and every redrive.
 */
export const failureSchema = {
  model: { entity: "failure", version: "1", service: "orders" },
  attributes: {
    messageKey: { type: "string", required: true, readOnly: true },
    code: { type: "string", required: true },
    message: { type: "string", required: true },
    attempts: { type: "number" },
    firstFailedAt: { type: "string" },
    lastFailedAt: { type: "string", required: true },
    orderId: { type: "string" },
    submissionId: { type: "string" },
  },
  indexes: {
    byMessage: primaryKeys(["messageKey"], []),
    byReason: globalIndexKeys("gsi1", ["code"], ["lastFailedAt"]),
  },
} as const;

/** A stored item, as ElectroDB returns it. (Type only: no entity is built at import.) */
export type FailureItem = SchemaItem<typeof failureSchema>;
