import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsDeadLetterQueue } from "@orders/core/adapters/sqs-dead-letter-queue";
import { SqsOrderQueue } from "@orders/core/adapters/sqs-order-queue";
import { SqsRetryScheduler } from "@orders/core/adapters/sqs-retry-scheduler";
import { Resource } from "sst";
import { announced } from "./client-hooks.ts";
import { once } from "./once.ts";
import { traced } from "./tracing.ts";

// Queue URLs carry their own host; sending to the configured endpoint instead
// is what AWS does anyway and lets emulators use URLs that do not resolve.
export const sqsClient = once(() => announced(traced(new SQSClient({ useQueueUrlAsEndpoint: false }))));

export const orderQueue = once(() => new SqsOrderQueue(sqsClient(), Resource.OrdersQueue.url));
export const deadLetterQueue = once(() => new SqsDeadLetterQueue(sqsClient(), Resource.OrdersDlq.url));
export const retryScheduler = once(() => new SqsRetryScheduler(sqsClient(), Resource.OrdersQueue.url));

/** NotificationsDlq, where order events wait after the Notifier's last try, and NotificationsQueue to send them back to. */
export const notificationDeadLetters = once(() => new SqsDeadLetterQueue(sqsClient(), Resource.NotificationsDlq.url));
export const notificationQueue = once(() => new SqsOrderQueue(sqsClient(), Resource.NotificationsQueue.url));
