/**
 * What each function may do with the AWS resources it links, as plain data.
 *
 * SST's links grant a whole service on the resource (`dynamodb:*` on the
 * table and its indexes, DeleteTable included; `s3:*` on the bucket and
 * every object; `sqs:*` on a queue, PurgeQueue included). `infra/links.ts`
 * takes those grants off the links, which then carry only the names handlers
 * read (`Resource.OrdersTable.name`), and `permissionsFor` in
 * `infra/queues.ts` grants each function the uses listed here instead: the
 * item-level actions its adapters call, on the parts of the resource they
 * touch (the table and its indexes, the objects under one prefix, one queue).
 *
 * Add an entry with every new function: one without its own entry gets every
 * use of each of its links, and `test/preview/least-privilege.test.ts` fails
 * until it has one.
 */
import type { FunctionSpec, LinkName } from "./manifest.ts";

/** Some actions on parts of a linked resource: `""` is the resource itself, `/index/*` its indexes, `/orders/*` objects. */
export interface Grant {
  actions: readonly string[];
  parts: readonly string[];
}

/** Where the archive and the consistency reports live in OrdersBucket (`archiveKeyFor`, `LATEST_REPORT_KEY`). */
const ORDERS = "/orders/*";
const REPORTS = "/reports/consistency/*";

const queueUses = {
  send: { actions: ["sqs:SendMessage"], parts: [""] },
  /** GetQueueAttributes: depth and health. */
  depth: { actions: ["sqs:GetQueueAttributes"], parts: [""] },
  /** Receive and hold or release (ChangeMessageVisibility also authorises its Batch form). */
  receive: { actions: ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility"], parts: [""] },
  /** Delay a retry: a received message's visibility, as the subscribers' retry schedulers set it. */
  delay: { actions: ["sqs:ChangeMessageVisibility"], parts: [""] },
  delete: { actions: ["sqs:DeleteMessage"], parts: [""] },
} as const satisfies Record<string, Grant>;

/** The uses of each kind of linked AWS resource, and what each takes. */
export const USES = {
  OrdersTable: {
    /** GetItem, BatchGetItem, and Query on the table (collections) and its indexes (access patterns). */
    read: { actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], parts: ["", "/index/*"] },
    /** The audit's full reads of stock and accounts. */
    scan: { actions: ["dynamodb:Scan"], parts: [""] },
    /** ElectroDB's create and put of one item. */
    put: { actions: ["dynamodb:PutItem"], parts: [""] },
    /** ElectroDB's patch, update and upsert. */
    update: { actions: ["dynamodb:UpdateItem"], parts: [""] },
    /** A batch put: the ledgers archive settled markers into entries of their own. */
    archive: { actions: ["dynamodb:BatchWriteItem"], parts: [""] },
    /** Powertools' idempotency store deletes a record whose request failed, so that a retry may run. */
    delete: { actions: ["dynamodb:DeleteItem"], parts: [""] },
  },
  OrdersBucket: {
    /**
     * HeadBucket; and without it S3 answers a read of a missing key with 403
     * instead of 404, which the archive's reads turn into "not there".
     */
    list: { actions: ["s3:ListBucket"], parts: [""] },
    /** GetObject and HeadObject of an archived order, and signing its download link. */
    readOrders: { actions: ["s3:GetObject"], parts: [ORDERS] },
    writeOrders: { actions: ["s3:PutObject"], parts: [ORDERS] },
    readReports: { actions: ["s3:GetObject"], parts: [REPORTS] },
    writeReports: { actions: ["s3:PutObject"], parts: [REPORTS] },
  },
  OrdersQueue: queueUses,
  OrdersDlq: queueUses,
  NotificationsQueue: queueUses,
  NotificationsDlq: queueUses,
  /** Publish also authorises PublishBatch. */
  OrderEvents: { publish: { actions: ["sns:Publish"], parts: [""] } },
} as const satisfies Partial<Record<LinkName, Record<string, Grant>>>;

/** A link that stands for an AWS resource IAM can scope. */
export type AwsLink = keyof typeof USES;

export type Uses = { [L in AwsLink]?: readonly (keyof (typeof USES)[L])[] };

/** A function's key here: its handler's module under packages/functions/src (`api/get-order`). */
export function functionKey(handler: string): string {
  return handler.replace(/^packages\/functions\/src\//, "").replace(/\.[^./]+$/, "");
}

/**
 * Each function's uses of its links, from the SDK calls its adapters make
 * (packages/core/src/adapters, composed in packages/functions/src/composition).
 */
export const FUNCTION_USES: Record<string, Uses> = {
  // Powertools' Idempotency-Key records: get, put, update, and delete on failure.
  "api/submit-order": { OrdersTable: ["read", "put", "update", "delete"], OrdersQueue: ["send"] },
  "api/get-order": { OrdersTable: ["read"], OrdersBucket: ["list", "readOrders"] },
  "api/health": { OrdersTable: ["read"], OrdersBucket: ["list"], OrdersQueue: ["depth"], OrdersDlq: ["depth"] },
  "api/openapi": {},
  "api/console": {},
  "api/docs": {},
  "api/landing": {},
  "admin/list-dead-letters": { OrdersTable: ["read"], OrdersDlq: ["depth", "receive"] },
  "admin/dead-letter-depth": { OrdersDlq: ["depth"] },
  "admin/redrive-dead-letters": {
    OrdersTable: ["put"],
    OrdersDlq: ["receive", "delete"],
    OrdersQueue: ["send"],
  },
  "admin/edit-dead-letter": { OrdersTable: ["read", "put"], OrdersDlq: ["receive", "delete"], OrdersQueue: ["send"] },
  "admin/dry-run-dead-letter": { OrdersTable: ["read"], OrdersDlq: ["receive"] },
  "admin/discard-dead-letter": {
    OrdersTable: ["read", "put", "update", "archive"],
    OrdersDlq: ["receive", "delete"],
    OrderEvents: ["publish"],
  },
  "admin/list-audit": { OrdersTable: ["read"] },
  "admin/list-notification-dead-letters": { OrdersTable: ["read"], NotificationsDlq: ["depth", "receive"] },
  "admin/notification-dead-letter-depth": { NotificationsDlq: ["depth"] },
  // The audit entry of each move is a put.
  "admin/redrive-notifications": {
    OrdersTable: ["put"],
    NotificationsDlq: ["receive", "delete"],
    NotificationsQueue: ["send"],
  },
  "admin/inventory-set": { OrdersTable: ["read", "put", "update"] },
  "admin/inventory-get": { OrdersTable: ["read"] },
  "admin/account-open": { OrdersTable: ["read", "put"] },
  "admin/account-deposit": { OrdersTable: ["read", "update", "archive"] },
  "admin/account-get": { OrdersTable: ["read"] },
  "admin/account-orders": { OrdersTable: ["read"] },
  "admin/account-entries": { OrdersTable: ["read"] },
  "admin/account-webhook": { OrdersTable: ["read", "put"] },
  "admin/account-webhook-get": { OrdersTable: ["read"] },
  "admin/order-cancel": { OrdersTable: ["read", "update"], OrdersQueue: ["send"] },
  "admin/order-verify": { OrdersTable: ["read"], OrdersBucket: ["list", "readOrders"] },
  // Links nothing: it reads X-Ray (infra/tracing.ts).
  "admin/order-trace": {},
  // The audit reads the ledgers and writes only its reports; it never touches the order archive.
  "admin/consistency-audit": {
    OrdersTable: ["read", "scan"],
    OrdersBucket: ["list", "readReports", "writeReports"],
  },
  "admin/consistency-report": { OrdersBucket: ["list", "readReports"] },
  // The DLQs' names (the AWS/SQS metrics' QueueName) and their depth now, which CloudWatch has only minutes later.
  "admin/metrics-overview": { OrdersDlq: ["depth"], NotificationsDlq: ["depth"] },
  "admin/search-orders": { OrdersTable: ["read"] },
  "queue/process-orders": {
    OrdersTable: ["read", "put", "update", "archive"],
    OrdersBucket: ["writeOrders"],
    OrdersQueue: ["delay"],
    OrderEvents: ["publish"],
  },
  // The circuit breaker's item is a conditional put; an event that waits for it is sent again, delayed.
  "queue/deliver-notifications": { OrdersTable: ["read", "put", "update"], NotificationsQueue: ["delay", "send"] },
  "schedule/sweep-stuck-sagas": { OrdersTable: ["read", "update", "archive"], OrderEvents: ["publish"] },
  "schedule/audit-consistency": {
    OrdersTable: ["read", "scan"],
    OrdersBucket: ["list", "readReports", "writeReports"],
  },
};

/**
 * Actions IAM scopes to no resource narrower than `*`, by function:
 * cloudwatch:GetMetricData reads any namespace the account has. Only the
 * console's overview reads metrics.
 */
export const UNSCOPED_ACTIONS: Record<string, readonly string[]> = {
  "admin/metrics-overview": ["cloudwatch:GetMetricData"],
};

/** A function's statements for its unscoped actions: none for most. */
export function unscopedGrantsFor(spec: Pick<FunctionSpec, "handler">): { actions: string[]; resources: string[] }[] {
  const actions = UNSCOPED_ACTIONS[functionKey(spec.handler)];
  return actions ? [{ actions: [...actions], resources: ["*"] }] : [];
}

const isAwsLink = (link: LinkName): link is AwsLink => link in USES;

/**
 * The grants of one function, by link: its own uses of each AWS resource it
 * links, or every use of a link it has no entry for. Never a grant on a
 * resource it does not link.
 */
export function grantsFor(spec: Pick<FunctionSpec, "handler" | "links">): (Grant & { link: AwsLink })[] {
  const own = FUNCTION_USES[functionKey(spec.handler)];
  return spec.links.filter(isAwsLink).flatMap((link) => {
    const uses: Record<string, Grant> = USES[link];
    const names = (own ? (own[link] ?? []) : Object.keys(uses)) as string[];
    return names.map((name) => ({ link, ...(uses[name] as Grant) }));
  });
}
