/**
 * What linking a table, bucket, queue or topic gives a function: the values
 * its handler reads (`Resource.OrdersTable.name`, `.url`, `.arn`), unchanged,
 * and no permission. SST's own links grant the whole service on the resource
 * (`dynamodb:*`, DeleteTable included; `s3:*` on every object; `sqs:*`;
 * `sns:*`); each function's narrower grants come from `infra/permissions.ts`
 * instead (`permissionsFor` in infra/queues.ts).
 *
 * Imported before any of these components is declared (infra/storage.ts):
 * SST reads a class's link definition as each component registers.
 */
sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({ properties: { name: table.name } }));
sst.Linkable.wrap(sst.aws.Bucket, (bucket) => ({ properties: { name: bucket.name } }));
sst.Linkable.wrap(sst.aws.Queue, (queue) => ({ properties: { url: queue.url } }));
sst.Linkable.wrap(sst.aws.SnsTopic, (topic) => ({ properties: { arn: topic.arn } }));

export {};
