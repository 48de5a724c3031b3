import { DynamoAuditLog } from "@orders/core/adapters/dynamo-audit-log";
import { DynamoNotificationRecords } from "@orders/core/adapters/dynamo-notification-records";
import { ordersService } from "@orders/core/entities/service";
import { dynamoClient } from "./document-client.ts";
import { sharedService } from "./lazy-table.ts";
import { once } from "./once.ts";

// The adapters that load ElectroDB only on their rarer paths (lazy-table.ts), or never, for the handlers that import them here.
export { failureLog } from "./failure-log.ts";
export { accountLedger, orderRepository, stockLedger } from "./order-ledgers.ts";
export { webhookCircuits, webhookRegistry } from "./webhooks.ts";
export { dynamoClient };

const service = once(() => sharedService(ordersService));

/** Every entity of the one table, for the adapters composed elsewhere. */
export const ordersTable = service;

export const auditLog = once(() => new DynamoAuditLog(service()));
export const notificationRecords = once(() => new DynamoNotificationRecords(service()));
