import { ordersConfig } from "@orders/infra/manifest";

/**
 * What SST puts in a function's environment for its links, for unit tests of
 * handlers. The SDK clients are mocked, so the names only need to be stable.
 */
export const linked = {
  AdminToken: { value: "unit-test-admin-token", type: "sst.sst.Secret" },
  OrdersTable: { name: "orders-test-table", type: "sst.aws.Dynamo" },
  OrdersBucket: { name: "orders-test-bucket", type: "sst.aws.Bucket" },
  OrdersQueue: { url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-test-queue", type: "sst.aws.Queue" },
  OrdersDlq: { url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-test-dlq", type: "sst.aws.Queue" },
  // The manifest's knobs, as a deployed stage links them.
  OrdersConfig: { ...ordersConfig, type: "sst.sst.Linkable" },
  OrderEvents: { arn: "arn:aws:sns:us-east-1:000000000000:orders-test-OrderEvents", type: "sst.aws.SnsTopic" },
  NotificationsQueue: {
    url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-test-notifications",
    type: "sst.aws.Queue",
  },
  NotificationsDlq: {
    url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-test-notifications-dlq",
    type: "sst.aws.Queue",
  },
} as const;

/** The environment Lambda would give a function linked to all of the above. */
export function linkedEnvironment(): Record<string, string> {
  return {
    SST_RESOURCE_App: JSON.stringify({ name: "orders", stage: "test" }),
    ...Object.fromEntries(
      Object.entries(linked).map(([name, value]) => [`SST_RESOURCE_${name}`, JSON.stringify(value)]),
    ),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  };
}

// As a Vitest setup file: unit tests of handlers run with these links.
if (process.env.VITEST) {
  Object.assign(process.env, linkedEnvironment());
  process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
}
