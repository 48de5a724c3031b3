import { globalIndexKeys, primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * A settled ledger entry, moved out of its account's item. An account item
 * keeps the markers of recent and pending transfers only (at most
 * `ACCOUNT_MARKER_CAP`); once a transfer is POSTED or VOIDED its marker may be
 * archived here, one item per transfer, and removed from the account.
 * `byAccount` (gsi1) lists an account's entries newest first.
 */
export const accountEntrySchema = {
  model: { entity: "accountEntry", version: "1", service: "orders" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    transferId: { type: "string", required: true, readOnly: true },
    kind: { type: ["DEPOSIT", "DEBIT", "CREDIT"] as const, required: true },
    amountCents: { type: "number", required: true },
    status: { type: ["HELD", "POSTED", "VOIDED"] as const, required: true },
    at: { type: "string", required: true },
    orderId: { type: "string" },
    reason: { type: "any" },
  },
  indexes: {
    byTransfer: primaryKeys(["accountId", "transferId"], []),
    byAccount: globalIndexKeys("gsi1", ["accountId"], ["at", "transferId"]),
  },
} as const;

export type AccountEntryItem = SchemaItem<typeof accountEntrySchema>;
