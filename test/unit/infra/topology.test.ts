import { orderSchema } from "@orders/core/entities/order";
import { orderDuplicateSchema } from "@orders/core/entities/order-duplicate";
import { tableDesign } from "@orders/core/entities/table-design";
import { describe, expect, it, vi } from "vitest";
import { ordersConfig, routes, subscriptions } from "../../../infra/manifest.ts";
import { installSstFakes, linkNames, type Recorded } from "../../helpers/sst-fakes.ts";

/** Loads the real infra/ under fakes of SST's globals, for one stage. */
async function loadInfra(stage: string): Promise<Map<string, Recorded>> {
  vi.resetModules();
  const recorded = installSstFakes(stage);
  const entry = "../../../infra/index.ts";
  await import(/* @vite-ignore */ entry);
  return new Map(recorded.map((resource) => [resource.name, resource]));
}

function applyTransform(resource: Recorded | undefined, key: string): Record<string, unknown> {
  const transform = (resource?.args.transform as Record<string, (args: object) => void> | undefined)?.[key];
  const args = {};
  transform?.(args);
  return args;
}

const infra = await loadInfra("dev");
const get = (name: string) => {
  const resource = infra.get(name);
  if (!resource) throw new Error(`infra/ declares no ${name}`);
  return resource;
};

describe("infrastructure topology", () => {
  it("declares exactly the stage's resources", () => {
    expect([...infra.values()].map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "aws.cloudwatch.Dashboard OrdersDashboard",
      "aws.cloudwatch.MetricAlarm OrdersApi5xxAlarm",
      "aws.cloudwatch.MetricAlarm OrdersDlqNotEmptyAlarm",
      "aws.cloudwatch.MetricAlarm OrdersProcessingFailuresAlarm",
      "aws.cloudwatch.MetricAlarm OrdersProcessorErrorsAlarm",
      "aws.cloudwatch.MetricAlarm OrdersProcessorThrottlesAlarm",
      "aws.cloudwatch.MetricAlarm OrdersQueueAgeAlarm",
      "aws.s3.BucketServerSideEncryptionConfiguration OrdersBucketEncryption",
      "sst.Linkable OrdersConfig",
      "sst.Secret AdminToken",
      "sst.aws.ApiGatewayV2 OrdersApi",
      "sst.aws.Bucket OrdersBucket",
      "sst.aws.Dynamo OrdersTable",
      "sst.aws.Queue OrdersDlq",
      "sst.aws.Queue OrdersQueue",
    ]);
  });

  it("gives the table the keys and indexes of the ElectroDB entities", () => {
    const table = get("OrdersTable").args;
    const design = tableDesign();
    expect(table).toMatchObject(design);
    for (const schema of [orderSchema, orderDuplicateSchema]) {
      for (const index of Object.values(schema.indexes) as {
        index?: string;
        pk: { field: string };
        sk: { field: string };
      }[]) {
        const keys = index.index ? (table.globalIndexes as Record<string, unknown>)[index.index] : table.primaryIndex;
        expect(keys).toEqual({ hashKey: index.pk.field, rangeKey: index.sk.field });
      }
    }
  });

  it("turns on point-in-time recovery, and deletion protection on production only", async () => {
    expect(applyTransform(get("OrdersTable"), "table")).toEqual({ pointInTimeRecovery: { enabled: true } });
    expect(get("OrdersTable").args.deletionProtection).toBe(false);
    const production = await loadInfra("production");
    expect(production.get("OrdersTable")?.args.deletionProtection).toBe(true);
  });

  it("keeps the bucket private and encrypted at rest", () => {
    expect(get("OrdersBucket").args.access).toBeUndefined();
    expect(get("OrdersBucketEncryption").args).toEqual({
      bucket: "OrdersBucket.name",
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
  });

  it("sends OrdersQueue's failures to OrdersDlq after 3 receives, and keeps them 14 days", () => {
    const queue = get("OrdersQueue").args;
    expect(queue.dlq).toEqual({ queue: "OrdersDlq.arn", retry: 3 });
    expect(applyTransform(get("OrdersDlq"), "queue")).toEqual({ messageRetentionSeconds: 14 * 86_400 });
  });

  it("sets the visibility timeout to at least 6 times the processor's timeout", () => {
    const [processor] = subscriptions;
    const visibility = Number.parseInt(String(get("OrdersQueue").args.visibilityTimeout), 10);
    expect(visibility).toBeGreaterThanOrEqual(6 * (processor?.timeoutSeconds ?? Number.POSITIVE_INFINITY));
  });

  it("subscribes OrdersProcessor in batches of 10 with partial responses, linked to what it uses only", () => {
    const [subscription] = get("OrdersQueue").subscriptions;
    expect(subscription?.args).toEqual({ batch: { size: 10, partialResponses: true } });
    expect(subscription?.subscriber).not.toHaveProperty("name");
    expect(subscription?.subscriber).toMatchObject({
      handler: "packages/functions/src/queue/process-orders.handler",
      runtime: "nodejs24.x",
      architecture: "arm64",
    });
    expect(linkNames(subscription?.subscriber.link)).toEqual([
      "OrdersBucket",
      "OrdersConfig",
      "OrdersQueue",
      "OrdersTable",
    ]);
  });

  it("declares every route of the manifest, each on Node 24 arm64 with exactly its links", () => {
    const api = get("OrdersApi");
    expect(api.routes.map((r) => r.key).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    const linksByRoute = Object.fromEntries(api.routes.map((r) => [r.key, linkNames(r.handler.link)]));
    expect(linksByRoute).toEqual({
      "POST /orders": ["OrdersQueue"],
      "GET /orders/{id}": ["OrdersBucket", "OrdersTable"],
      "GET /health": ["OrdersBucket", "OrdersDlq", "OrdersQueue", "OrdersTable"],
      "GET /openapi.json": [],
      "GET /console": [],
      "GET /admin/dlq": ["AdminToken", "OrdersDlq", "OrdersTable"],
      "POST /admin/dlq/redrive": ["AdminToken", "OrdersDlq", "OrdersQueue", "OrdersTable"],
      "POST /admin/dlq/{id}/edit": ["AdminToken", "OrdersConfig", "OrdersDlq", "OrdersQueue", "OrdersTable"],
      "POST /admin/dlq/{id}/dry-run": ["AdminToken", "OrdersConfig", "OrdersDlq", "OrdersTable"],
      "POST /admin/dlq/{id}/discard": ["AdminToken", "OrdersDlq", "OrdersTable"],
      "GET /admin/audit": ["AdminToken", "OrdersTable"],
    });
    for (const route of api.routes) {
      expect(route.handler).toMatchObject({ runtime: "nodejs24.x", architecture: "arm64" });
    }
  });

  it("sets an explicit CORS policy", () => {
    expect(get("OrdersApi").args.cors).toMatchObject({ allowMethods: ["GET", "POST"] });
  });

  it("keeps the bucket's public access block: no transform turns it off", () => {
    const transform = get("OrdersBucket").args.transform as Record<string, unknown> | undefined;
    expect(transform?.publicAccessBlock).not.toBe(false);
  });

  it.each([
    [
      "OrdersDlqNotEmptyAlarm",
      "AWS/SQS",
      "ApproximateNumberOfMessagesVisible",
      { QueueName: "OrdersDlq.queueName" },
      0,
    ],
    ["OrdersQueueAgeAlarm", "AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: "OrdersQueue.queueName" }, 300],
    ["OrdersProcessorErrorsAlarm", "AWS/Lambda", "Errors", { FunctionName: "OrdersQueueSubscriber.functionName" }, 0],
    [
      "OrdersProcessorThrottlesAlarm",
      "AWS/Lambda",
      "Throttles",
      { FunctionName: "OrdersQueueSubscriber.functionName" },
      0,
    ],
    ["OrdersProcessingFailuresAlarm", "orders", "ProcessingFailures", { service: "orders" }, 10],
    ["OrdersApi5xxAlarm", "AWS/ApiGateway", "5xx", { ApiId: "OrdersApi.apiId" }, 5],
  ])("alarms %s on %s %s of what it watches", (name, namespace, metricName, dimensions, threshold) => {
    const alarm = get(name).args;
    expect(alarm).toMatchObject({ namespace, metricName, dimensions, threshold, treatMissingData: "notBreaching" });
    expect(String(alarm.name)).toMatch(/^orders-dev-/);
  });

  it("points every alarm at the alerts topic Terraform publishes in SSM", () => {
    const alarms = [...infra.values()].filter((r) => r.type === "aws.cloudwatch.MetricAlarm");
    for (const alarm of alarms) {
      expect(alarm.args.alarmActions).toEqual(["ssm:/orders/foundation/alerts-topic-arn"]);
      expect(alarm.args.okActions).toEqual(["ssm:/orders/foundation/alerts-topic-arn"]);
    }
  });

  it("reads the same SSM parameter Terraform writes", async () => {
    const { readFileSync } = await import("node:fs");
    const terraform = readFileSync("stacks/foundation/parameters.tf", "utf8");
    expect(terraform).toMatch(/name\s+=\s+"\/\$\{var\.app_name\}\/foundation\/alerts-topic-arn"/);
  });

  it("puts the queues, the processor and the API on the dashboard", () => {
    const body = String(get("OrdersDashboard").args.dashboardBody);
    for (const watched of [
      "OrdersQueue.queueName",
      "OrdersDlq.queueName",
      "OrdersQueueSubscriber.functionName",
      "OrdersApi.apiId",
      "OrdersAccepted",
    ]) {
      expect(body).toContain(watched);
    }
  });

  it("links the processor settings of the manifest", () => {
    expect(get("OrdersConfig").args.properties).toEqual(ordersConfig);
  });

  it("points every handler string at a file with that export", async () => {
    for (const handler of [...routes, ...subscriptions].map((f) => f.handler)) {
      const dot = handler.lastIndexOf(".");
      const module = await import(/* @vite-ignore */ `../../../${handler.slice(0, dot)}.ts`);
      expect(typeof module[handler.slice(dot + 1)], handler).toBe("function");
    }
  });
});
