import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoAuditLog } from "@orders/core/adapters/dynamo-audit-log";
import { DynamoFailureLog } from "@orders/core/adapters/dynamo-failure-log";
import { DynamoNotificationRecords } from "@orders/core/adapters/dynamo-notification-records";
import { DynamoOrderRepository } from "@orders/core/adapters/dynamo-order-repository";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { DynamoWebhookCircuits } from "@orders/core/adapters/dynamo-webhook-circuits";
import { DynamoWebhookRegistry } from "@orders/core/adapters/dynamo-webhook-registry";
import { ordersService } from "@orders/core/entities/service";
import { Resource } from "sst";
import { dynamoBaseClient } from "./dynamo-client.ts";
import { once } from "./once.ts";

/** The DynamoDB client of every table adapter. */
export const dynamoClient = once(() => DynamoDBDocumentClient.from(dynamoBaseClient()));

const service = once(() => ordersService({ client: dynamoClient(), table: Resource.OrdersTable.name }));

/** Every entity of the one table, for the adapters composed elsewhere. */
export const ordersTable = service;

export const orderRepository = once(() => new DynamoOrderRepository(service()));
export const failureLog = once(() => new DynamoFailureLog(service()));
export const auditLog = once(() => new DynamoAuditLog(service()));
export const stockLedger = once(() => new DynamoStockLedger(service()));
export const accountLedger = once(() => new DynamoAccountLedger(service()));
export const webhookRegistry = once(() => new DynamoWebhookRegistry(service()));
/** Each webhook endpoint's circuit breaker (the Notifier writes it; GET /accounts/{id}/webhook reads it). */
export const webhookCircuits = once(() => new DynamoWebhookCircuits(service()));
export const notificationRecords = once(() => new DynamoNotificationRecords(service()));
