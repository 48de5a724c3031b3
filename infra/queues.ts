import { type FunctionSpec, ordersConfig, queues, runtime, subscriptions, topics } from "./manifest.ts";
import { grantsFor, unscopedGrantsFor } from "./permissions.ts";
import { bucket, table } from "./storage.ts";
import { activeTracing, tracingPermissions } from "./tracing.ts";

/** A dead-letter queue of the manifest, keeping what it is given `retentionDays`. */
export function deadLetterQueue(name: "OrdersDlq" | "NotificationsDlq" | "SchedulesDlq") {
  return new sst.aws.Queue(name, {
    transform: {
      queue: (args) => {
        args.messageRetentionSeconds = queues[name].retentionDays * 86_400;
      },
    },
  });
}

/**
 * A work queue and its DLQ, both as the manifest sets them: after
 * `maxReceiveCount` failed receives a message moves to the DLQ, which keeps it
 * `retentionDays`.
 */
function queueWithDlq(name: "OrdersQueue" | "NotificationsQueue") {
  const spec = queues[name];
  const deadLetters = deadLetterQueue(spec.dlq);
  const work = new sst.aws.Queue(name, {
    dlq: { queue: deadLetters.arn, retry: spec.maxReceiveCount },
    visibilityTimeout: `${spec.visibilityTimeoutSeconds} seconds`,
  });
  return [work, deadLetters] as const;
}

/** Orders, and OrdersDlq, where they go after `maxReceiveCount` failed receives. */
export const [queue, dlq] = queueWithDlq("OrdersQueue");

/** Order events for the Notifier, and NotificationsDlq, where they wait after its last try. */
export const [notificationsQueue, notificationsDlq] = queueWithDlq("NotificationsQueue");

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

/**
 * Each subscribed queue accepts messages from this topic only. (SST's
 * `subscribeQueue` writes a queue policy letting any SNS topic, S3 bucket or
 * EventBridge rule, of any account, send to the queue; hence these two
 * resources instead.)
 */
/** The queues a manifest subscription or topic subscriber may name. */
const subscribable = { OrdersQueue: queue, NotificationsQueue: notificationsQueue };
const deadLetterQueues = { OrdersDlq: dlq, NotificationsDlq: notificationsDlq };

/** A policy on `target` letting only the OrderEvents topic send to it, through SNS. */
function topicMaySend(logicalName: string, target: sst.aws.Queue) {
  return new aws.sqs.QueuePolicy(logicalName, {
    queueUrl: target.url,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        {
          actions: ["sqs:SendMessage"],
          resources: [target.arn],
          principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
          conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [orderEvents.arn] }],
        },
      ],
    }).json,
  });
}

for (const name of topics.OrderEvents.subscribers) {
  const subscribed = subscribable[name];
  // An event SNS cannot deliver to the queue (its policy or its key refuses it, say) lands in the queue's own
  // DLQ after SNS's retries, instead of being dropped: that DLQ admits the topic too.
  const deadLetters = deadLetterQueues[queues[name].dlq];
  const policies = [topicMaySend(`${name}Policy`, subscribed), topicMaySend(`${queues[name].dlq}Policy`, deadLetters)];
  // Raw delivery: the queue's body is the event JSON, as the Notifier parses it.
  new aws.sns.TopicSubscription(
    `OrderEventsTo${name}`,
    {
      topic: orderEvents.arn,
      protocol: "sqs",
      endpoint: subscribed.arn,
      rawMessageDelivery: topics.OrderEvents.rawMessageDelivery,
      redrivePolicy: $jsonStringify({ deadLetterTargetArn: deadLetters.arn }),
    },
    { dependsOn: policies },
  );
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
  NotificationsDlq: notificationsDlq,
};

/**
 * SST names a subscriber after its queue: <Queue>Subscriber<hash>FunctionFunction
 * (50 characters for NotificationsQueue) and …FunctionRole. Past 64 characters
 * with the app and the stage, SST cuts the stage itself (`prod-…`, `producti-…`
 * on production), which no name pattern of the deploy role
 * (stacks/foundation/github-deploy.tf) can scope to one stage. A subscriber
 * added after OrdersProcessor is named `<app>-<stage>-<Name>` and
 * `<app>-<stage>-<Name>Role` instead; OrdersProcessor keeps the names it was
 * deployed with (a new name would replace the function).
 */
function physicalNames(name: string) {
  if (name === "OrdersProcessor") return {};
  const prefix = `${$app.name}-${$app.stage}-${name}`;
  return {
    name: prefix,
    transform: {
      role: (args: aws.iam.RoleArgs) => {
        args.name = `${prefix}Role`;
      },
    },
  };
}

/**
 * A function's IAM statements: its own uses of each AWS resource it links
 * (infra/permissions.ts), in place of SST's `service:*` link grants, which
 * infra/links.ts takes off the links.
 */
export function permissionsFor(spec: Pick<FunctionSpec, "handler" | "links">) {
  const arns = {
    OrdersTable: table.arn,
    OrdersBucket: bucket.arn,
    OrdersQueue: queue.arn,
    OrdersDlq: dlq.arn,
    NotificationsQueue: notificationsQueue.arn,
    NotificationsDlq: notificationsDlq.arn,
    OrderEvents: orderEvents.arn,
  };
  const linked = grantsFor(spec).map((grant) => ({
    actions: [...grant.actions],
    resources: grant.parts.map((part) => $interpolate`${arns[grant.link]}${part}`),
  }));
  return [...linked, ...unscopedGrantsFor(spec)];
}

/** A function's reserved concurrency from the manifest, in SST's terms; nothing when it has none. */
function reserved(spec: { reservedConcurrency?: number }) {
  return spec.reservedConcurrency === undefined ? {} : { concurrency: { reserved: spec.reservedConcurrency } };
}

/**
 * What every function of the manifest is given, whether a route, a subscriber
 * or a schedule fronts it: its handler, its links and only their grants, its
 * timeout, memory and reserved concurrency, and the common runtime.
 */
export function functionArgs(spec: FunctionSpec) {
  return {
    handler: spec.handler,
    link: spec.links.map((name) => linkables[name]),
    timeout: `${spec.timeoutSeconds} seconds` as const,
    memory: `${spec.memoryMb} MB` as const,
    permissions: [...permissionsFor(spec), ...tracingPermissions(spec)],
    ...reserved(spec),
    ...runtime,
    transform: { function: activeTracing },
  };
}

/**
 * One subscriber per manifest subscription, by name. SST names each function
 * per stage (FunctionArgs.name would fix one name for every stage).
 */
export const subscribers = Object.fromEntries(
  subscriptions.map((spec) => [
    spec.name,
    subscribable[spec.queue].subscribe(
      {
        ...physicalNames(spec.name),
        ...functionArgs(spec),
        // Both transforms: the role's name and active tracing.
        transform: { ...physicalNames(spec.name).transform, function: activeTracing },
      },
      {
        batch: { size: spec.batchSize, partialResponses: true },
        // Caps the consumer without throttling it (issue #16): see SubscriptionSpec.maximumConcurrency.
        transform: {
          eventSourceMapping: (args) => {
            args.scalingConfig = { maximumConcurrency: spec.maximumConcurrency };
          },
        },
      },
    ),
  ]),
);

/** OrdersProcessor, which the alarms watch. */
export const processor = subscribers.OrdersProcessor;
if (!processor) throw new Error("infra/manifest.ts declares no OrdersProcessor subscription");

/** The Notifier; its failures are watched through NotificationsDlq's alarm. */
export const notifier = subscribers.Notifier;
if (!notifier) throw new Error("infra/manifest.ts declares no Notifier subscription");
