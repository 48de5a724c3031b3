import { DynamoNotificationLog } from "@orders/core/adapters/dynamo-notification-log";
import { HttpsWebhookSender } from "@orders/core/adapters/https-webhook-sender";
import { SqsNotificationRequeue } from "@orders/core/adapters/sqs-notification-requeue";
import { SqsRetryScheduler } from "@orders/core/adapters/sqs-retry-scheduler";
import type { RetryPolicy } from "@orders/core/domain/retry-policy";
import type { CircuitPolicy } from "@orders/core/domain/webhook-circuit";
import { Resource } from "sst";
import { tableBinding } from "./document-client.ts";
import { failureLog } from "./failure-log.ts";
import { once } from "./once.ts";
import { sqsClient } from "./queues.ts";
import { webhookPolicy } from "./settings.ts";
import { tracedWebhookSender } from "./traced-webhook-sender.ts";

const settings = () => Resource.OrdersConfig.notifications;

export const notificationLog = once(() => new DynamoNotificationLog({ binding: tableBinding() }));

export const webhookSender = once(() =>
  tracedWebhookSender(new HttpsWebhookSender({ policy: webhookPolicy(), timeoutMs: settings().timeoutSeconds * 1000 })),
);

/** How each webhook endpoint's circuit breaker opens and closes (its state: `webhookCircuits` in webhooks.ts). */
export const circuitPolicy = once((): CircuitPolicy => ({ ...settings().circuit }));

/** Where an event that waits for its endpoint's circuit goes back: NotificationsQueue, as a new message. */
export const notificationRequeue = once(() => new SqsNotificationRequeue(sqsClient(), Resource.NotificationsQueue.url));

/** The Notifier's backoff between tries, and how many tries before NotificationsDlq. */
export const notificationRetryPolicy = once(
  (): RetryPolicy => ({
    baseSeconds: settings().retryBaseSeconds,
    maxSeconds: settings().retryMaxSeconds,
    maxReceiveCount: settings().maxReceiveCount,
  }),
);

/** What a failed delivery needs: its reason kept, and its retry delayed on NotificationsQueue. */
export const notificationFailures = once(() => ({
  failures: failureLog(),
  retries: new SqsRetryScheduler(sqsClient(), Resource.NotificationsQueue.url),
  policy: notificationRetryPolicy(),
}));
