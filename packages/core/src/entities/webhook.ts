import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * An account's webhook. It shares the account's partition but is an item of
 * its own: the notifier reads a few hundred bytes, never the account item
 * with its ledger markers.
 *
 * Size bound: under 2.5 KB, whatever happens to it. The URL is at most 2,048
 * characters (MAX_WEBHOOK_URL_LENGTH), each secret 49 (`whsec_` and 43), the
 * two times 24 each, and a rotation keeps one previous secret only, replacing
 * any before it (webhook-rotation.ts).
 */
export const webhookSchema = {
  model: { entity: "webhook", version: "1", service: "orders" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    url: { type: "string", required: true },
    secret: { type: "string", required: true },
    updatedAt: { type: "string", required: true },
    /** The secret the current one replaced, still signing until `previousSecretUntil`; one at most. */
    previousSecret: { type: "string" },
    previousSecretUntil: { type: "string" },
  },
  indexes: {
    byAccountId: primaryKeys(["accountId"], []),
  },
} as const;

export type WebhookItem = SchemaItem<typeof webhookSchema>;
