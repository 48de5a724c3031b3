import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoAuditLog } from "@orders/core/adapters/dynamo-audit-log";
import { DynamoFailureLog } from "@orders/core/adapters/dynamo-failure-log";
import { DynamoNotificationRecords } from "@orders/core/adapters/dynamo-notification-records";
import { DynamoOrderRepository } from "@orders/core/adapters/dynamo-order-repository";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { DynamoWebhookCircuits } from "@orders/core/adapters/dynamo-webhook-circuits";
import { DynamoWebhookRegistry } from "@orders/core/adapters/dynamo-webhook-registry";
import { tableAccess } from "@orders/core/adapters/table-access";
import { ordersService } from "@orders/core/entities/service";
import { dynamoClient, tableBinding } from "./document-client.ts";
import { once } from "./once.ts";

export { dynamoClient };

const service = once(() => ordersService(tableBinding()));

/** Every entity of the one table, for the adapters composed elsewhere. */
export const ordersTable = service;

export const orderRepository = once(() => new DynamoOrderRepository(service()));
/**
 * The adapters that reach the entities through a `TableAccess`, here over the
 * entities this module builds anyway (the Notifier builds them on its own
 * lazily: lazy-table.ts).
 */
const access = once(() => tableAccess(service()));
export const failureLog = once(() => new DynamoFailureLog(access()));
export const webhookRegistry = once(() => new DynamoWebhookRegistry(access()));
/** Each webhook endpoint's circuit breaker (the Notifier writes it; GET /accounts/{id}/webhook reads it). */
export const webhookCircuits = once(() => new DynamoWebhookCircuits(access()));
export const auditLog = once(() => new DynamoAuditLog(service()));
export const stockLedger = once(() => new DynamoStockLedger(service()));
export const accountLedger = once(() => new DynamoAccountLedger(service()));
export const notificationRecords = once(() => new DynamoNotificationRecords(service()));
