import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * One account and its ledger. `balance` is spendable cents; `held` is cents
 * on hold for pending transfers. `transfers` maps each transfer (by a hash of
 * its id) to its ledger entry, with one-letter field names: the entry and
 * the balances change in one conditional write, so a transfer applies once.
 */
export const accountSchema = {
  model: { entity: "account", version: "1", service: "orders" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    balance: { type: "number", required: true },
    held: { type: "number", required: true },
    transfers: { type: "any", required: true },
    /** How many times settled markers were archived out of the item (absent: never). See `ledger-fence.ts`. */
    gen: { type: "number" },
    /** What the entries archived out of the item add up to (balance + held), and their deposits, in cents. */
    archivedNet: { type: "number" },
    archivedDeposits: { type: "number" },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    byAccountId: primaryKeys(["accountId"], []),
  },
} as const;

export type AccountItem = SchemaItem<typeof accountSchema>;
