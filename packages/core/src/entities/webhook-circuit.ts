import { CIRCUIT_STATES } from "../domain/webhook-circuit.ts";
import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * The circuit breaker of one webhook endpoint (an account's URL), in a
 * partition of its own keyed by a hash of both (`endpointKey`), written by
 * the Notifier only over the `version` it read (optimistic concurrency).
 *
 * Size bound: under 3 KB, whatever happens to it: the URL is at most 2,048
 * characters (MAX_WEBHOOK_URL_LENGTH), the key 43, the account id 20, four
 * times of 24, three small numbers and the state; nothing accumulates,
 * however long the endpoint stays down.
 */
export const webhookCircuitSchema = {
  model: { entity: "webhookCircuit", version: "1", service: "orders" },
  attributes: {
    endpoint: { type: "string", required: true, readOnly: true },
    accountId: { type: "string", required: true, readOnly: true },
    url: { type: "string", required: true },
    state: { type: CIRCUIT_STATES, required: true },
    consecutiveFailures: { type: "number", required: true },
    opens: { type: "number", required: true },
    openedAt: { type: "string" },
    probeAt: { type: "string" },
    probeLeaseUntil: { type: "string" },
    updatedAt: { type: "string", required: true },
    version: { type: "number", required: true },
  },
  indexes: {
    byEndpoint: primaryKeys(["endpoint"], []),
  },
} as const;

export type WebhookCircuitItem = SchemaItem<typeof webhookCircuitSchema>;
