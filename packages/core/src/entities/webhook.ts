import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";

/**
 * An account's webhook. It shares the account's partition but is an item of
 * its own: the notifier reads a few hundred bytes, never the account item
 * with its ledger markers.
 */
export const webhookSchema = {
  model: { entity: "webhook", version: "1", service: "orders" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    url: { type: "string", required: true },
    secret: { type: "string", required: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    byAccountId: {
      pk: { field: "pk", composite: ["accountId"], casing: "none" },
      sk: { field: "sk", composite: [], casing: "none" },
    },
  },
} as const;

export function webhookEntity(config: EntityConfiguration) {
  return new Entity(webhookSchema, config);
}

export type WebhookItem = EntityItem<ReturnType<typeof webhookEntity>>;
