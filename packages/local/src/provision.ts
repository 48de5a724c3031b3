import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { listingKeys } from "@orders/core/entities/listing-keys";
import { type TableDesign, tableDesign } from "@orders/core/entities/table-design";
import { queues, topics } from "@orders/infra/manifest";

export interface ProvisionClients {
  dynamo: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
}

export interface QueueRef {
  url: string;
  arn: string;
}

export interface LocalResources {
  table: string;
  bucket: string;
  queue: QueueRef;
  dlq: QueueRef;
  notificationsQueue: QueueRef;
  notificationsDlq: QueueRef;
  /** The schedules' failed runs (`ScheduleSpec.failures`). */
  schedulesDlq: QueueRef;
  /** The OrderEvents topic. */
  topicArn: string;
}

/** Names for one local stage; a stage keeps its resources apart from others. */
export function resourceNames(stage: string) {
  return {
    table: `orders-${stage}-OrdersTable`,
    bucket: `orders-${stage}-ordersbucket`.toLowerCase(),
    queue: `orders-${stage}-OrdersQueue`,
    dlq: `orders-${stage}-OrdersDlq`,
    notificationsQueue: `orders-${stage}-NotificationsQueue`,
    notificationsDlq: `orders-${stage}-NotificationsDlq`,
    schedulesDlq: `orders-${stage}-SchedulesDlq`,
    topic: `orders-${stage}-OrderEvents`,
  };
}

/** The CreateTable input for a table design: on demand, each index projecting what the design says. */
export function createTableInput(name: string, design: TableDesign) {
  const keySchema = (keys: { hashKey: string; rangeKey: string }) => [
    { AttributeName: keys.hashKey, KeyType: "HASH" as const },
    { AttributeName: keys.rangeKey, KeyType: "RANGE" as const },
  ];
  const globalIndexes = Object.entries(design.globalIndexes);
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: Object.keys(design.fields).map((field) => ({
      AttributeName: field,
      AttributeType: "S" as const,
    })),
    KeySchema: keySchema(design.primaryIndex),
    ...(globalIndexes.length
      ? {
          GlobalSecondaryIndexes: globalIndexes.map(([indexName, keys]) => ({
            IndexName: indexName,
            KeySchema: keySchema(keys),
            Projection: { ProjectionType: keys.projection === "keys-only" ? ("KEYS_ONLY" as const) : ("ALL" as const) },
          })),
        }
      : {}),
  };
}

async function ensureTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  const design = tableDesign();
  let indexes: string[];
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
    indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? "");
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await dynamo.send(new CreateTableCommand(createTableInput(name, design)));
    await untilTable(dynamo, name, "ACTIVE");
    return;
  }
  const missing = Object.keys(design.globalIndexes).filter((index) => !indexes.includes(index));
  if (missing.length) await rebuildTable(dynamo, name, design);
}

/**
 * A table kept under `.local-data/` from before an index existed: dynalite
 * cannot add a global index to a table, so the table is read whole, created
 * again by the design, and its items written back. Originals written before
 * the listing indexes get their keys on the way (`listingKeys`), so that the
 * orders already there are listed too.
 */
function withListingKeys(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const text = (name: string) => item[name]?.S;
  const orderId = text("orderId");
  const receivedAt = text("receivedAt");
  if (text("__edb_e__") !== "order" || !orderId || !receivedAt) return item;
  const keys = listingKeys({ orderId, receivedAt, fromAccount: text("fromAccount"), toAccount: text("toAccount") });
  return { ...item, ...Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, { S: value }])) };
}

async function rebuildTable(dynamo: DynamoDBClient, name: string, design: TableDesign): Promise<void> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []).map(withListingKeys));
    start = page.LastEvaluatedKey;
  } while (start);
  await dynamo.send(new DeleteTableCommand({ TableName: name }));
  await untilTable(dynamo, name, "GONE");
  await dynamo.send(new CreateTableCommand(createTableInput(name, design)));
  await untilTable(dynamo, name, "ACTIVE");
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const { UnprocessedItems } = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [name]: requests } }));
      requests = (UnprocessedItems?.[name] ?? []) as typeof requests;
    }
  }
  console.log(`orders: rebuilt the local table ${name} with its new indexes (${items.length} items kept)`);
}

/**
 * Table creation and deletion finish after the call answers (dynalite drops a
 * deleted table's items on a timer, and creating the name again before that
 * is done is refused with ResourceInUseException), so provisioning waits for
 * the state it needs, for at most 30 s.
 */
async function untilTable(dynamo: DynamoDBClient, name: string, wanted: "ACTIVE" | "GONE"): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let status: string;
    try {
      status = (await dynamo.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus ?? "UNKNOWN";
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      status = "GONE";
    }
    if (status === wanted) return;
    if (Date.now() > deadline) throw new Error(`The local table ${name} is ${status} after 30 s, not ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function ensureBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  }
}

/** Creates the queue if needed, then applies the manifest's attributes. */
async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<QueueRef> {
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist)) throw error;
    url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  }
  if (!url) throw new Error(`No URL for queue ${name}`);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  if (!Attributes?.QueueArn) throw new Error(`No ARN for queue ${name}`);
  return { url, arn: Attributes.QueueArn };
}

/** Creates the queue `name` redriving to `dlq` after the manifest's receives, with the manifest's visibility timeout. */
function redriving(
  sqs: SQSClient,
  name: string,
  dlq: QueueRef,
  spec: { maxReceiveCount: number; visibilityTimeoutSeconds: number },
  visibilityTimeoutSeconds = spec.visibilityTimeoutSeconds,
): Promise<QueueRef> {
  return ensureQueue(sqs, name, {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
  });
}

/**
 * The OrderEvents topic and its subscription by NotificationsQueue, raw (the
 * event JSON as the message body), as `infra/queues.ts` declares them.
 * CreateTopic and Subscribe are idempotent.
 */
async function ensureTopic(sns: SNSClient, name: string, subscriber: QueueRef): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  if (!TopicArn) throw new Error(`No ARN for topic ${name}`);
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: "sqs",
      Endpoint: subscriber.arn,
      Attributes: { RawMessageDelivery: String(topics.OrderEvents.rawMessageDelivery) },
    }),
  );
  return TopicArn;
}

/**
 * Creates what `infra/` declares, from the same manifest and table design:
 * the table, the bucket, OrdersQueue and NotificationsQueue redriving to
 * their DLQs, SchedulesDlq, and the OrderEvents topic feeding
 * NotificationsQueue.
 * Idempotent: a restart on the same data finds everything in place.
 */
export async function provision(
  clients: ProvisionClients,
  stage: string,
  overrides: { visibilityTimeoutSeconds?: number | undefined } = {},
): Promise<LocalResources> {
  const names = resourceNames(stage);
  const { OrdersDlq, OrdersQueue, NotificationsDlq, NotificationsQueue, SchedulesDlq } = queues;
  const retention = (days: number) => ({ MessageRetentionPeriod: String(days * 86_400) });
  const [, , dlq, notificationsDlq, schedulesDlq] = await Promise.all([
    ensureTable(clients.dynamo, names.table),
    ensureBucket(clients.s3, names.bucket),
    ensureQueue(clients.sqs, names.dlq, retention(OrdersDlq.retentionDays)),
    ensureQueue(clients.sqs, names.notificationsDlq, retention(NotificationsDlq.retentionDays)),
    ensureQueue(clients.sqs, names.schedulesDlq, retention(SchedulesDlq.retentionDays)),
  ]);
  const [queue, notificationsQueue] = await Promise.all([
    redriving(clients.sqs, names.queue, dlq, OrdersQueue, overrides.visibilityTimeoutSeconds),
    redriving(
      clients.sqs,
      names.notificationsQueue,
      notificationsDlq,
      NotificationsQueue,
      overrides.visibilityTimeoutSeconds,
    ),
  ]);
  const topicArn = await ensureTopic(clients.sns, names.topic, notificationsQueue);
  return {
    table: names.table,
    bucket: names.bucket,
    queue,
    dlq,
    notificationsQueue,
    notificationsDlq,
    schedulesDlq,
    topicArn,
  };
}
