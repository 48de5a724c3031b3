import { ordersConfig, queues, runtime, subscriptions } from "./manifest.ts";
import { bucket, table } from "./storage.ts";

const { OrdersDlq, OrdersQueue } = queues;

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
};

/** The queues a manifest subscription may name. */
const subscribable = { OrdersQueue: queue };

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

/** OrdersProcessor, which the alarms watch. */
export const processor = subscribers.OrdersProcessor;
if (!processor) throw new Error("infra/manifest.ts declares no OrdersProcessor subscription");
