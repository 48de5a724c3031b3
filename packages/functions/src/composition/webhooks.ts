import { DynamoWebhookCircuits } from "@orders/core/adapters/dynamo-webhook-circuits";
import { DynamoWebhookRegistry } from "@orders/core/adapters/dynamo-webhook-registry";
import { lazyTable } from "./lazy-table.ts";
import { once } from "./once.ts";

/** Each account's webhook (the Notifier reads it on every delivery, with a plain GetItem). */
export const webhookRegistry = once(() => new DynamoWebhookRegistry(lazyTable()));
/** Each webhook endpoint's circuit breaker (the Notifier writes it; GET /accounts/{id}/webhook reads it). */
export const webhookCircuits = once(() => new DynamoWebhookCircuits(lazyTable()));
