/**
 * Each function's role, read from the graph SST builds, against the SDK calls
 * its handler makes (issue #16: SST's links grant `dynamodb:*`, `s3:*`,
 * `sqs:*`). The calls below are read from the code (the adapters in
 * packages/core/src/adapters and what each handler composes), written as SDK
 * operations on concrete targets, not from infra/permissions.ts: the test
 * cannot pass by restating what the infra grants.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type Graph, type PolicyStatement, TYPES } from "@orders/harness/preview/graph";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { subscriptions } from "../../infra/manifest.ts";
import { archiveKeyFor } from "../../packages/core/src/domain/order.ts";
import { ordersService } from "../../packages/core/src/entities/service.ts";
import { LATEST_REPORT_KEY } from "../../packages/core/src/use-cases/audit/audit-ledgers.ts";
import { declaredFunctions, deployedFunction, linkedArns } from "./app.ts";

/** The IAM action AWS authorises each SDK operation by (the services' authorization references). */
const IAM_ACTION: Record<string, string> = {
  "dynamodb.GetItem": "dynamodb:GetItem",
  "dynamodb.BatchGetItem": "dynamodb:BatchGetItem",
  "dynamodb.Query": "dynamodb:Query",
  "dynamodb.Scan": "dynamodb:Scan",
  "dynamodb.PutItem": "dynamodb:PutItem",
  "dynamodb.UpdateItem": "dynamodb:UpdateItem",
  "dynamodb.DeleteItem": "dynamodb:DeleteItem",
  "dynamodb.BatchWriteItem": "dynamodb:BatchWriteItem",
  "s3.GetObject": "s3:GetObject",
  "s3.HeadObject": "s3:GetObject",
  // A presigned GET is authorised as the signer's GetObject when it is used.
  "s3.presign GetObject": "s3:GetObject",
  "s3.PutObject": "s3:PutObject",
  "s3.HeadBucket": "s3:ListBucket",
  // S3 answers a missing key with 404 (NoSuchKey, NotFound) only to a caller that may list the bucket; otherwise 403.
  "s3.missing key is 404": "s3:ListBucket",
  "sqs.SendMessage": "sqs:SendMessage",
  "sqs.ReceiveMessage": "sqs:ReceiveMessage",
  "sqs.ChangeMessageVisibility": "sqs:ChangeMessageVisibility",
  "sqs.ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
  "sqs.DeleteMessage": "sqs:DeleteMessage",
  "sqs.GetQueueAttributes": "sqs:GetQueueAttributes",
  "sns.PublishBatch": "sns:Publish",
  "xray.GetTraceSummaries": "xray:GetTraceSummaries",
  "xray.BatchGetTraces": "xray:BatchGetTraces",
  "cloudwatch.GetMetricData": "cloudwatch:GetMetricData",
};

/** An SDK call: an operation on a target the graph resolves to an ARN. */
interface Call {
  op: string;
  target: (graph: Graph) => string;
}

const one = (graph: Graph, link: Parameters<typeof linkedArns>[1]) => {
  const [arn] = linkedArns(graph, link);
  if (!arn) throw new Error(`no AWS resource behind ${link}`);
  return arn;
};

/** Where each access pattern's Query goes, from the entities' own index definitions. */
const service = ordersService({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })),
  table: "preview",
});
function indexOf(entity: keyof typeof service.entities, pattern: string): string | undefined {
  const indexes = (service.entities[entity] as unknown as { schema: { indexes: Record<string, { index?: string }> } })
    .schema.indexes;
  if (!(pattern in indexes)) throw new Error(`${entity} has no access pattern ${pattern}`);
  return indexes[pattern]?.index;
}

const table = (op: string): Call => ({ op: `dynamodb.${op}`, target: (g) => one(g, "OrdersTable") });
/** A Query of an entity's access pattern: on its index, or on the table. */
const query = (entity: keyof typeof service.entities, pattern: string): Call => ({
  op: "dynamodb.Query",
  target: (g) => {
    const index = indexOf(entity, pattern);
    return index ? `${one(g, "OrdersTable")}/index/${index}` : one(g, "OrdersTable");
  },
});
const HISTORY = query("order", "byOrderId");
const object = (op: string, key: string): Call => ({
  op: `s3.${op}`,
  target: (g) => `${one(g, "OrdersBucket")}/${key}`,
});
const bucket = (op: string): Call => ({ op: `s3.${op}`, target: (g) => one(g, "OrdersBucket") });
const sqs = (op: string, queue: "OrdersQueue" | "OrdersDlq" | "NotificationsQueue" | "NotificationsDlq"): Call => ({
  op: `sqs.${op}`,
  target: (g) => one(g, queue),
});
const PUBLISH: Call = { op: "sns.PublishBatch", target: (g) => one(g, "OrderEvents") };

const ARCHIVED = archiveKeyFor("order-001");
const REPORT = LATEST_REPORT_KEY;

/** What the ledgers' reads call: an item by key, its archived entries by key, several items at once. */
const LEDGER_READS = [table("GetItem"), table("BatchGetItem")];
/** What the ledgers' writes call: conditional updates, and batch puts when an item archives its settled markers. */
const LEDGER_WRITES = [table("UpdateItem"), table("BatchWriteItem")];
/** SqsDeadLetterQueue.take/scan: receive, then release the others in batches. */
const takeFrom = (dlq: "OrdersDlq" | "NotificationsDlq") => [
  sqs("ReceiveMessage", dlq),
  sqs("ChangeMessageVisibilityBatch", dlq),
];
const DLQ_TAKE = takeFrom("OrdersDlq");
/** The saga's steps, run by the processor, the sweeper and a discard. */
const SAGA = [...LEDGER_READS, ...LEDGER_WRITES, HISTORY];
const AUDIT = [
  table("Scan"),
  query("accountEntry", "byAccount"),
  query("order", "pendingByAge"),
  table("GetItem"),
  table("BatchGetItem"),
  object("GetObject", REPORT),
  bucket("missing key is 404"),
  object("PutObject", REPORT),
];

/** Every SDK call each function's handler makes, by the manifest's label. */
const CALLS: Record<string, Call[]> = {
  // Powertools' idempotency store: get, conditional put, update, and delete after a failure.
  "POST /orders": [
    table("GetItem"),
    table("PutItem"),
    table("UpdateItem"),
    table("DeleteItem"),
    sqs("SendMessage", "OrdersQueue"),
  ],
  "GET /orders/{id}": [
    HISTORY,
    object("HeadObject", ARCHIVED),
    bucket("missing key is 404"),
    object("presign GetObject", ARCHIVED),
  ],
  "GET /health": [
    table("GetItem"),
    bucket("HeadBucket"),
    sqs("GetQueueAttributes", "OrdersQueue"),
    sqs("GetQueueAttributes", "OrdersDlq"),
  ],
  "GET /openapi.json": [],
  "GET /console": [],
  "GET /docs": [],
  "GET /": [],
  "GET /admin/dlq": [
    sqs("GetQueueAttributes", "OrdersDlq"),
    ...DLQ_TAKE,
    table("BatchGetItem"),
    table("GetItem"),
    HISTORY,
  ],
  "GET /admin/dlq/depth": [sqs("GetQueueAttributes", "OrdersDlq")],
  "POST /admin/dlq/redrive": [
    ...DLQ_TAKE,
    sqs("ChangeMessageVisibility", "OrdersDlq"),
    sqs("DeleteMessage", "OrdersDlq"),
    sqs("SendMessage", "OrdersQueue"),
    table("PutItem"),
  ],
  "POST /admin/dlq/{id}/edit": [
    ...DLQ_TAKE,
    sqs("ChangeMessageVisibility", "OrdersDlq"),
    HISTORY,
    sqs("DeleteMessage", "OrdersDlq"),
    sqs("SendMessage", "OrdersQueue"),
    table("PutItem"),
  ],
  "POST /admin/dlq/{id}/dry-run": [...DLQ_TAKE, sqs("ChangeMessageVisibility", "OrdersDlq"), HISTORY],
  "POST /admin/dlq/{id}/discard": [
    ...DLQ_TAKE,
    sqs("ChangeMessageVisibility", "OrdersDlq"),
    sqs("DeleteMessage", "OrdersDlq"),
    // The operator's audit entry (a conditional put), then the saga's compensation.
    table("PutItem"),
    ...SAGA,
    PUBLISH,
  ],
  "GET /admin/audit": [query("auditEntry", "byTime")],
  // The events' delivery records and the Notifier's failure records: a BatchGetItem each a page.
  "GET /admin/notifications-dlq": [
    sqs("GetQueueAttributes", "NotificationsDlq"),
    ...takeFrom("NotificationsDlq"),
    table("BatchGetItem"),
  ],
  "GET /admin/notifications-dlq/depth": [sqs("GetQueueAttributes", "NotificationsDlq")],
  "POST /admin/notifications-dlq/redrive": [
    ...takeFrom("NotificationsDlq"),
    sqs("ChangeMessageVisibility", "NotificationsDlq"),
    sqs("DeleteMessage", "NotificationsDlq"),
    sqs("SendMessage", "NotificationsQueue"),
    table("PutItem"),
  ],
  "PUT /inventory/{sku}": [table("GetItem"), table("PutItem"), table("UpdateItem")],
  "GET /inventory/{sku}": [table("GetItem")],
  "PUT /accounts/{id}": [table("GetItem"), table("PutItem")],
  "POST /accounts/{id}/deposits": [...LEDGER_READS, ...LEDGER_WRITES],
  "GET /accounts/{id}": [table("GetItem")],
  "GET /accounts/{id}/orders": [query("order", "byPayer"), query("order", "byPayee")],
  "GET /accounts/{id}/entries": [table("GetItem"), query("accountEntry", "byAccount")],
  "PUT /accounts/{id}/webhook": [table("BatchGetItem"), table("GetItem"), table("PutItem")],
  "GET /accounts/{id}/webhook": [table("GetItem"), table("BatchGetItem")],
  "POST /orders/{id}/cancel": [HISTORY, table("GetItem"), table("UpdateItem"), sqs("SendMessage", "OrdersQueue")],
  "POST /orders/{id}/verify-consistency": [
    HISTORY,
    ...LEDGER_READS,
    object("GetObject", ARCHIVED),
    bucket("missing key is 404"),
  ],
  "POST /admin/consistency-audit": AUDIT,
  "GET /admin/consistency-audit": [object("GetObject", REPORT), bucket("missing key is 404")],
  // CloudWatchMetricsSource: GetMetricData, paged; it takes no resource narrower than "*".
  "GET /admin/metrics": [
    { op: "cloudwatch.GetMetricData", target: () => "*" },
    sqs("GetQueueAttributes", "OrdersDlq"),
    sqs("GetQueueAttributes", "NotificationsDlq"),
  ],
  // The search's index, then each page's orders read back by key.
  "GET /admin/orders": [query("order", "byReceivedHour"), table("BatchGetItem")],
  // XRayTraceReader: the order's traces by annotation, then their segments. X-Ray takes no resource but "*".
  "GET /admin/orders/{id}/trace": [
    { op: "xray.GetTraceSummaries", target: () => "*" },
    { op: "xray.BatchGetTraces", target: () => "*" },
  ],
  // Claims the original and records duplicates (conditional puts), runs the saga, archives the valid order.
  OrdersProcessor: [
    table("PutItem"),
    ...SAGA,
    object("PutObject", ARCHIVED),
    sqs("ChangeMessageVisibility", "OrdersQueue"),
    PUBLISH,
  ],
  // Claims and delivery records (UpdateItem), the payer's webhook, the order's history; retries delayed on its queue.
  // The circuit breaker's put, and an event that waits for it sent again to its own queue.
  Notifier: [
    table("UpdateItem"),
    table("GetItem"),
    table("PutItem"),
    HISTORY,
    sqs("ChangeMessageVisibility", "NotificationsQueue"),
    sqs("SendMessage", "NotificationsQueue"),
  ],
  SagaSweeper: [query("order", "pendingByAge"), ...SAGA, PUBLISH],
  ConsistencyAudit: AUDIT,
};

/** What Lambda's SQS event source needs of a subscriber's own queue (SST grants it with the subscription). */
const EVENT_SOURCE_ACTIONS = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
];

/** The data-plane actions a function of this app may hold at all: no table, bucket or queue administration. */
const DATA_PLANE = new Set([
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "s3:GetObject",
  "s3:PutObject",
  "s3:ListBucket",
  "sns:Publish",
  // Lambda's active tracing writes each function's segments; only the trace route reads (test/preview/tracing.test.ts).
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetTraceSummaries",
  "xray:BatchGetTraces",
  // Reading the stage's metrics (the console's overview): no alarm, dashboard or metric is written.
  "cloudwatch:GetMetricData",
  ...EVENT_SOURCE_ACTIONS,
  "sqs:SendMessage",
]);

function wildcard(pattern: string, value: string, flags = ""): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, flags).test(value);
}

/** True when an Allow statement of the role grants the action on the resource (it has no Deny and no conditions). */
function allowed(statements: PolicyStatement[], action: string, resource: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      s.Action.some((pattern) => wildcard(pattern, action, "i")) &&
      s.Resource.some((pattern) => wildcard(pattern, resource)),
  );
}

describe.each(STAGES)("each function's role on stage %s, against the SDK calls its handler makes", (stage) => {
  const graph = loadGraph(stage);
  const declared = declaredFunctions();
  const roleOf = (spec: (typeof declared)[number]["spec"]) => {
    const { role } = deployedFunction(graph, spec);
    return graph.policyOf(role.name.replace(/Role$/, ""));
  };
  const queues = {
    OrdersQueue: one(graph, "OrdersQueue"),
    OrdersDlq: one(graph, "OrdersDlq"),
    NotificationsQueue: one(graph, "NotificationsQueue"),
    NotificationsDlq: graph.one(TYPES.queue, "NotificationsDlqQueue").state.arn as string,
  };
  /** The queue a subscriber's event source reads, whose SST-granted actions are not the handler's. */
  const ownQueue = (label: string) => {
    const subscription = subscriptions.find((s) => s.name === label);
    return subscription ? queues[subscription.queue] : undefined;
  };

  it("lists the SDK calls of every function the manifest declares", () => {
    expect(declared.map(({ label }) => label).filter((label) => !(label in CALLS))).toEqual([]);
  });

  it.each(declared)("$label calls only the AWS services whose SDK clients it bundles", ({ label, spec }) => {
    // Arrange: the services of the SDK clients in its bundle, as esbuild saw them.
    const { build } = deployedFunction(graph, spec);
    const bundled = build.bundledPackages
      .map((name) => /^@aws-sdk\/client-(dynamodb|s3|sqs|sns|xray|cloudwatch)$/.exec(name)?.[1])
      .filter((service): service is string => service !== undefined);
    // Act
    const called = new Set((CALLS[label] ?? []).map((call) => call.op.split(".")[0]));
    // Assert: a client it bundles and no call listed here means a call this test does not know of.
    expect([...called].sort()).toEqual([...new Set(bundled)].sort());
  });

  it.each(declared)("$label may make every SDK call its handler makes", ({ label, spec }) => {
    const statements = roleOf(spec);
    const denied = (CALLS[label] ?? [])
      .map((call) => ({ ...call, action: IAM_ACTION[call.op] as string, resource: call.target(graph) }))
      .filter((call) => !allowed(statements, call.action, call.resource))
      .map((call) => `${call.op} (${call.action}) on ${call.resource}`);
    expect(denied).toEqual([]);
  });

  it.each(declared)("$label holds no wildcard action and nothing beyond data-plane actions", ({ spec }) => {
    const actions = roleOf(spec).flatMap((statement) => statement.Action);
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
    expect(actions.filter((action) => !DATA_PLANE.has(action))).toEqual([]);
  });

  it.each(declared)("$label may not delete, update or recreate the table", ({ spec }) => {
    const statements = roleOf(spec);
    const tableArn = one(graph, "OrdersTable");
    for (const action of ["dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:CreateBackup"]) {
      expect(allowed(statements, action, tableArn), action).toBe(false);
    }
  });

  it.each(declared)("$label may use each queue only as its handler does", ({ label, spec }) => {
    // Arrange
    const statements = roleOf(spec);
    const needed = (CALLS[label] ?? []).map((call) => `${IAM_ACTION[call.op]} ${call.target(graph)}`);
    const own = ownQueue(label);
    const sqsActions = [...EVENT_SOURCE_ACTIONS, "sqs:SendMessage", "sqs:PurgeQueue", "sqs:DeleteQueue"];
    // Act
    const extra = Object.values(queues).flatMap((queue) =>
      sqsActions
        .filter((action) => allowed(statements, action, queue))
        .filter((action) => !needed.includes(`${action} ${queue}`))
        .filter((action) => !(queue === own && EVENT_SOURCE_ACTIONS.includes(action)))
        .map((action) => `${action} on ${queue}`),
    );
    // Assert
    expect(extra).toEqual([]);
  });

  it.each(declared)("$label may write to the table, scan it or publish only if its handler does", ({ label, spec }) => {
    const statements = roleOf(spec);
    const ops = new Set((CALLS[label] ?? []).map((call) => call.op));
    const tableArn = one(graph, "OrdersTable");
    const writes = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"];
    for (const op of [...writes, "Scan"]) {
      expect(allowed(statements, `dynamodb:${op}`, tableArn), `dynamodb:${op}`).toBe(ops.has(`dynamodb.${op}`));
    }
    expect(allowed(statements, "sns:Publish", one(graph, "OrderEvents"))).toBe(ops.has("sns.PublishBatch"));
  });

  it.each(declared)("$label may read and write only the bucket prefixes its handler does", ({ label, spec }) => {
    const statements = roleOf(spec);
    const calls = CALLS[label] ?? [];
    const bucketArn = one(graph, "OrdersBucket");
    for (const key of [ARCHIVED, REPORT]) {
      for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
        const needed = calls.some(
          (call) => IAM_ACTION[call.op] === action && call.target(graph) === `${bucketArn}/${key}`,
        );
        expect(allowed(statements, action, `${bucketArn}/${key}`), `${action} on ${key}`).toBe(needed);
      }
    }
    expect(allowed(statements, "s3:GetObject", `${bucketArn}/elsewhere.json`)).toBe(false);
    const lists = calls.some((call) => IAM_ACTION[call.op] === "s3:ListBucket");
    expect(allowed(statements, "s3:ListBucket", bucketArn)).toBe(lists);
  });

  it("keeps the audit from writing the order archive, and the Notifier from other queues", () => {
    const audit = declared.find(({ label }) => label === "ConsistencyAudit");
    const notifier = declared.find(({ label }) => label === "Notifier");
    if (!audit || !notifier) throw new Error("the manifest has no ConsistencyAudit or Notifier");
    const bucketArn = one(graph, "OrdersBucket");
    expect(allowed(roleOf(audit.spec), "s3:PutObject", `${bucketArn}/${ARCHIVED}`)).toBe(false);
    expect(allowed(roleOf(audit.spec), "s3:DeleteObject", `${bucketArn}/${REPORT}`)).toBe(false);
    for (const queue of [queues.OrdersQueue, queues.OrdersDlq, queues.NotificationsDlq]) {
      for (const action of ["sqs:PurgeQueue", "sqs:DeleteMessage", "sqs:SendMessage", "sqs:ReceiveMessage"]) {
        expect(allowed(roleOf(notifier.spec), action, queue), `${action} on ${queue}`).toBe(false);
      }
    }
    expect(allowed(roleOf(notifier.spec), "sqs:PurgeQueue", queues.NotificationsQueue)).toBe(false);
  });
});
