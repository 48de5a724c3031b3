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
  OrdersConfig: {
    maxAmount: 1_000_000,
    maxReceiveCount: 3,
    retryBaseSeconds: 1,
    retryMaxSeconds: 300,
    type: "sst.sst.Linkable",
  },
} as const;

process.env.SST_RESOURCE_App = JSON.stringify({ name: "orders", stage: "test" });
for (const [name, value] of Object.entries(linked)) {
  process.env[`SST_RESOURCE_${name}`] = JSON.stringify(value);
}
process.env.AWS_REGION = "us-east-1";
process.env.AWS_ACCESS_KEY_ID = "test";
process.env.AWS_SECRET_ACCESS_KEY = "test";
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED = "true";
