import { DynamoFailureLog } from "@orders/core/adapters/dynamo-failure-log";
import { DynamoWebhookCircuits } from "@orders/core/adapters/dynamo-webhook-circuits";
import { DynamoWebhookRegistry } from "@orders/core/adapters/dynamo-webhook-registry";
import type { TableAccess } from "@orders/core/adapters/table-access";
import { tableBinding } from "./document-client.ts";
import { once } from "./once.ts";

/**
 * The one table for the adapters that send plain commands on their hot path
 * (`TableAccess`): ElectroDB is imported, and its entities built, the first
 * time a rarer path needs them. A dynamic import, so that esbuild bundles
 * `entities/service.ts` and ElectroDB as a lazy module: the Notifier's init
 * does not evaluate them (bench/cold-start.ts). A handler that imports
 * table.ts builds the entities anyway and takes its adapters from there.
 */
export const lazyTable = once(
  (): TableAccess => ({
    binding: tableBinding(),
    entities: once(() =>
      import("@orders/core/entities/service").then(({ ordersService }) => ordersService(tableBinding()).entities),
    ),
  }),
);

/** The Notifier's adapters over it. Why each message failed: written only when one does. */
export const failureLog = once(() => new DynamoFailureLog(lazyTable()));
/** Each account's webhook (the Notifier reads it on every delivery). */
export const webhookRegistry = once(() => new DynamoWebhookRegistry(lazyTable()));
/** Each webhook endpoint's circuit breaker (the Notifier writes it; GET /accounts/{id}/webhook reads it). */
export const webhookCircuits = once(() => new DynamoWebhookCircuits(lazyTable()));
