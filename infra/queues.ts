import { ordersConfig, queues, runtime, subscriptions, topics } from "./manifest.ts";
import { bucket, table } from "./storage.ts";

const { OrdersDlq, OrdersQueue, NotificationsDlq, NotificationsQueue } = queues;

/** Where orders go after `maxReceiveCount` failed receives. */
export const dlq = new sst.aws.Queue("OrdersDlq", {
  transform: {
    queue: (args) => {
      args.messageRetentionSeconds = OrdersDlq.retentionDays * 86_400;
    },
  },
});

export const queue = new sst.aws.Queue("OrdersQueue", {
  dlq: { queue: dlq.arn, retry: OrdersQueue.maxReceiveCount },
  visibilityTimeout: `${OrdersQueue.visibilityTimeoutSeconds} seconds`,
});

/** Where order events wait for the Notifier after its last try; the same retention as OrdersDlq. */
export const notificationsDlq = new sst.aws.Queue("NotificationsDlq", {
  transform: {
    queue: (args) => {
      args.messageRetentionSeconds = NotificationsDlq.retentionDays * 86_400;
    },
  },
});

export const notificationsQueue = new sst.aws.Queue("NotificationsQueue", {
  dlq: { queue: notificationsDlq.arn, retry: NotificationsQueue.maxReceiveCount },
  visibilityTimeout: `${NotificationsQueue.visibilityTimeoutSeconds} seconds`,
});

/**
 * OrderEvents: OrderConfirmed, OrderFailed and OrderCancelled, published by
 * whatever ends an order. Encrypted with the AWS-managed SNS key: the events
 * carry account ids and amounts.
 */
export const orderEvents = new sst.aws.SnsTopic("OrderEvents", {
  transform: {
    topic: (args) => {
      args.kmsMasterKeyId = "alias/aws/sns";
    },
  },
});

const subscribedQueues = { NotificationsQueue: notificationsQueue };
for (const name of topics.OrderEvents.subscribers) {
  // Raw delivery: the queue's body is the event JSON, as the Notifier parses it.
  orderEvents.subscribeQueue(name, subscribedQueues[name].arn, {
    transform: {
      subscription: (args) => {
        args.rawMessageDelivery = topics.OrderEvents.rawMessageDelivery;
      },
    },
  });
}

/** Processor settings, read by handlers as `Resource.OrdersConfig`. */
export const config = new sst.Linkable("OrdersConfig", { properties: { ...ordersConfig } });

/** The admin API's bearer token: `npx sst secret set AdminToken <value> --stage <stage>`. */
export const adminToken = new sst.Secret("AdminToken");

/** Every linkable resource by the name the manifest uses. */
export const linkables = {
  AdminToken: adminToken,
  OrdersTable: table,
  OrdersBucket: bucket,
  OrdersQueue: queue,
  OrdersDlq: dlq,
  OrdersConfig: config,
  OrderEvents: orderEvents,
  NotificationsQueue: notificationsQueue,
};

/** The queues a manifest subscription may name. */
const subscribable = { OrdersQueue: queue, NotificationsQueue: notificationsQueue };

/**
 * One subscriber per manifest subscription, by name. SST names each function
 * per stage (FunctionArgs.name would fix one name for every stage).
 */
export const subscribers = Object.fromEntries(
  subscriptions.map((spec) => [
    spec.name,
    subscribable[spec.queue].subscribe(
      {
        handler: spec.handler,
        link: spec.links.map((name) => linkables[name]),
        timeout: `${spec.timeoutSeconds} seconds`,
        memory: `${spec.memoryMb} MB`,
        ...runtime,
      },
      { batch: { size: spec.batchSize, partialResponses: true } },
    ),
  ]),
);

/** OrdersProcessor and the Notifier, which the alarms watch. */
export const processor = subscribers.OrdersProcessor;
if (!processor) throw new Error("infra/manifest.ts declares no OrdersProcessor subscription");

export const notifier = subscribers.Notifier;
if (!notifier) throw new Error("infra/manifest.ts declares no Notifier subscription");
