/**
 * The composition root: the one place that reads linked resources and builds
 * SDK clients and adapters. Each is built on first use and kept for the life
 * of the execution environment; handlers call these at module scope so the
 * work happens during init. A handler only touches the resources it is linked
 * to, so it only builds those.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoAuditLog } from "@orders/core/adapters/dynamo-audit-log";
import { DynamoFailureLog } from "@orders/core/adapters/dynamo-failure-log";
import { DynamoOrderRepository } from "@orders/core/adapters/dynamo-order-repository";
import { S3OrderArchive } from "@orders/core/adapters/s3-order-archive";
import { SqsDeadLetterQueue, SqsOrderQueue } from "@orders/core/adapters/sqs-order-queue";
import { SqsRetryScheduler } from "@orders/core/adapters/sqs-retry-scheduler";
import type { RetryPolicy } from "@orders/core/domain/retry-policy";
import { createOrderValidator } from "@orders/core/domain/validation";
import { ordersService } from "@orders/core/entities/service";
import { Resource } from "sst";

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const logger = new Logger({ serviceName: "orders" });

const dynamo = once(() => DynamoDBDocumentClient.from(new DynamoDBClient({})));
const s3 = once(() => new S3Client({}));
// Queue URLs carry their own host; sending to the configured endpoint instead
// is what AWS does anyway and lets emulators use URLs that do not resolve.
const sqs = once(() => new SQSClient({ useQueueUrlAsEndpoint: false }));

/**
 * The SDK clients every adapter shares. Exposed so that a host (the local
 * runtime, a test harness) can add SDK middleware, e.g. fault injection,
 * without any branch in handler code.
 */
export const sdkClients = () => ({ dynamo: dynamo(), s3: s3(), sqs: sqs() });

const service = once(() => ordersService({ client: dynamo(), table: Resource.OrdersTable.name }));

export const orderRepository = once(() => new DynamoOrderRepository(service()));
export const failureLog = once(() => new DynamoFailureLog(service()));
export const auditLog = once(() => new DynamoAuditLog(service()));
export const orderArchive = once(() => new S3OrderArchive(s3(), Resource.OrdersBucket.name));
export const orderQueue = once(() => new SqsOrderQueue(sqs(), Resource.OrdersQueue.url));
export const deadLetterQueue = once(() => new SqsDeadLetterQueue(sqs(), Resource.OrdersDlq.url));
export const retryScheduler = once(() => new SqsRetryScheduler(sqs(), Resource.OrdersQueue.url));
export const adminToken = once(() => Resource.AdminToken.value);
export const orderValidator = once(() => createOrderValidator({ maxAmount: Resource.OrdersConfig.maxAmount }));
export const retryPolicy = once(
  (): RetryPolicy => ({
    baseSeconds: Resource.OrdersConfig.retryBaseSeconds,
    maxSeconds: Resource.OrdersConfig.retryMaxSeconds,
    maxReceiveCount: Resource.OrdersConfig.maxReceiveCount,
  }),
);
