import { DynamoWebhookCircuits } from "@orders/core/adapters/dynamo-webhook-circuits";
import { DynamoWebhookRegistry } from "@orders/core/adapters/dynamo-webhook-registry";
import { tableBinding } from "./document-client.ts";
import { once } from "./once.ts";

/** Each account's webhook (the Notifier reads it on every delivery, with a plain GetItem). */
export const webhookRegistry = once(() => new DynamoWebhookRegistry({ binding: tableBinding() }));
/** Each webhook endpoint's circuit breaker (the Notifier writes it; GET /accounts/{id}/webhook reads it). */
export const webhookCircuits = once(() => new DynamoWebhookCircuits({ binding: tableBinding() }));
