/**
 * The one table of resources, routes and queue subscriptions. Plain data with
 * no SST globals: `infra/` loops over it to declare the cloud stage, and the
 * local runtime loops over it to serve the same handlers offline, so the two
 * cannot drift.
 */

export type LinkName =
  | "OrdersTable"
  | "OrdersBucket"
  | "OrdersQueue"
  | "OrdersDlq"
  | "OrdersConfig"
  | "AdminToken"
  | "OrderEvents"
  | "NotificationsQueue";

export interface FunctionSpec {
  /** SST handler string: file path from the repo root, then the export. */
  handler: string;
  /** Exactly the resources the function uses: least privilege. */
  links: readonly LinkName[];
  timeoutSeconds: number;
  memoryMb: number;
}

/**
 * Who may call a route. `public`: anyone. `caller`: any signed-in caller (a
 * customer, a channel or an operator), the handler deciding what each may
 * see. `operator`: operators only. Deployed, API Gateway's JWT authorizer
 * checks the token and its scope before the function runs; the local
 * runtime checks the same token with the same rules.
 */
export type RouteAccess = "public" | "caller" | "operator";

export interface RouteSpec extends FunctionSpec {
  method: "GET" | "POST" | "PUT";
  access: RouteAccess;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
}

/** A function run on a timer: `sst.aws.Cron` deployed, a timer in the local runtime. */
export interface ScheduleSpec extends FunctionSpec {
  /** The logical name of the function. */
  name: string;
  /** Minutes between runs (`rate(N minutes)`). */
  everyMinutes: number;
}

export interface SubscriptionSpec extends FunctionSpec {
  /** The logical name of the function. */
  name: string;
  queue: "OrdersQueue" | "NotificationsQueue";
  batchSize: number;
}

/**
 * Packages left out of the bundles, for the Lambda runtime to provide: none.
 * AWS does not document which SDK packages or versions the Node.js runtime
 * carries (`@smithy/*` is not even at its top level), so each function bundles
 * the AWS SDK v3 that the tests ran against, as SST does by default.
 */
export const LAMBDA_PROVIDED = [] as const;

/** Lambda settings every function shares. */
export const runtime = {
  runtime: "nodejs24.x",
  architecture: "arm64",
  // SST 4.17.1's Node builder minifies only when asked (pkg/runtime/node/build.go).
  nodejs: { minify: true, esbuild: { external: [...LAMBDA_PROVIDED] as string[] } },
} as const;

/** Knobs the processor reads through the linked `OrdersConfig`. */
export const ordersConfig = {
  /** The largest order amount accepted. */
  maxAmount: 1_000_000,
  /** Receives before SQS moves a message to OrdersDlq. */
  maxReceiveCount: 3,
  /** Retry n waits about base × 2^n seconds, with jitter. */
  retryBaseSeconds: 1,
  retryMaxSeconds: 300,
  /** A saga still PENDING this long after it was received is compensated by SagaSweeper. */
  sagaTimeoutMinutes: 15,
  /** Webhook URLs: https only on deployed stages (the local runtime allows loopback http). */
  webhooks: { allowLoopbackHttp: false },
  /**
   * The Notifier's retries: try n waits base × 2^n seconds (capped, halved
   * at most by jitter), so 10 tries span 32 to 64 minutes before the event
   * waits in NotificationsDlq; each POST gives up after `timeoutSeconds`.
   */
  notifications: { maxReceiveCount: 10, retryBaseSeconds: 4, retryMaxSeconds: 1_800, timeoutSeconds: 5 },
} as const;

const PROCESSOR_TIMEOUT_SECONDS = 30;
const NOTIFIER_TIMEOUT_SECONDS = 30;

export const queues = {
  OrdersDlq: { retentionDays: 14 },
  OrdersQueue: {
    dlq: "OrdersDlq",
    maxReceiveCount: ordersConfig.maxReceiveCount,
    // AWS's advice for a Lambda event source: at least six times the timeout.
    visibilityTimeoutSeconds: 6 * PROCESSOR_TIMEOUT_SECONDS,
  },
  NotificationsDlq: { retentionDays: 14 },
  NotificationsQueue: {
    dlq: "NotificationsDlq",
    maxReceiveCount: ordersConfig.notifications.maxReceiveCount,
    visibilityTimeoutSeconds: 6 * NOTIFIER_TIMEOUT_SECONDS,
  },
} as const;

/**
 * SNS topics and the queues subscribed to them. Raw delivery: the queue's
 * message body is the event's JSON itself, not SNS's envelope around it.
 */
export const topics = {
  OrderEvents: { subscribers: ["NotificationsQueue"], rawMessageDelivery: true },
} as const;

export const subscriptions: readonly SubscriptionSpec[] = [
  {
    name: "OrdersProcessor",
    queue: "OrdersQueue",
    handler: "packages/functions/src/queue/process-orders.handler",
    links: ["OrdersTable", "OrdersBucket", "OrdersQueue", "OrdersConfig", "OrderEvents"],
    batchSize: 10,
    timeoutSeconds: PROCESSOR_TIMEOUT_SECONDS,
    memoryMb: 1024,
  },
  {
    // Delivers order events to the payers' webhooks: the table holds the webhooks and the delivery records.
    name: "Notifier",
    queue: "NotificationsQueue",
    handler: "packages/functions/src/queue/deliver-notifications.handler",
    links: ["OrdersTable", "NotificationsQueue", "OrdersConfig"],
    batchSize: 10,
    timeoutSeconds: NOTIFIER_TIMEOUT_SECONDS,
    memoryMb: 512,
  },
];

export const schedules: readonly ScheduleSpec[] = [
  {
    name: "SagaSweeper",
    handler: "packages/functions/src/schedule/sweep-stuck-sagas.handler",
    links: ["OrdersTable", "OrdersConfig", "OrderEvents"],
    everyMinutes: 1,
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    name: "ConsistencyAudit",
    handler: "packages/functions/src/schedule/audit-consistency.handler",
    links: ["OrdersTable", "OrdersBucket", "OrdersConfig"],
    everyMinutes: 60,
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
];

const apiFunction = { timeoutSeconds: 10, memoryMb: 512 } as const;

export const routes: readonly RouteSpec[] = [
  {
    method: "POST",
    path: "/orders",
    handler: "packages/functions/src/api/submit-order.handler",
    access: "caller",
    // The table keeps the Idempotency-Key records; the admin token stands for an operator locally.
    links: ["OrdersQueue", "OrdersTable", "AdminToken"],
    ...apiFunction,
  },
  {
    method: "GET",
    path: "/orders/{id}",
    handler: "packages/functions/src/api/get-order.handler",
    access: "caller",
    links: ["OrdersTable", "OrdersBucket", "AdminToken"],
    ...apiFunction,
  },
  {
    method: "GET",
    path: "/health",
    handler: "packages/functions/src/api/health.handler",
    access: "public",
    links: ["OrdersTable", "OrdersBucket", "OrdersQueue", "OrdersDlq"],
    ...apiFunction,
  },
  {
    method: "GET",
    path: "/openapi.json",
    handler: "packages/functions/src/api/openapi.handler",
    access: "public",
    links: [],
    ...apiFunction,
  },
  {
    method: "GET",
    path: "/console",
    handler: "packages/functions/src/api/console.handler",
    access: "public",
    links: [],
    ...apiFunction,
  },
  ...adminRoutes(),
  ...fulfilmentAdminRoutes(),
];

/** A route behind the admin bearer token: linked to the token and to `links` only. */
function admin(
  method: RouteSpec["method"],
  path: string,
  file: string,
  links: LinkName[],
  timeoutSeconds = 10,
): RouteSpec {
  return {
    method,
    path,
    handler: `packages/functions/src/admin/${file}.handler`,
    access: "operator",
    links: ["AdminToken", ...links],
    ...apiFunction,
    timeoutSeconds,
  };
}

/** An admin route that a customer may call for its own account. */
function ownerOrOperator(route: RouteSpec): RouteSpec {
  return { ...route, access: "caller" };
}

/**
 * Stock and accounts, on the table only. Reading stock is admin too: stock
 * levels are operational data, not for channels.
 */
function fulfilmentAdminRoutes(): RouteSpec[] {
  return [
    admin("PUT", "/inventory/{sku}", "inventory-set", ["OrdersTable"]),
    admin("GET", "/inventory/{sku}", "inventory-get", ["OrdersTable"]),
    admin("PUT", "/accounts/{id}", "account-open", ["OrdersTable"]),
    admin("POST", "/accounts/{id}/deposits", "account-deposit", ["OrdersTable"]),
    // A customer reads its own account too; the handler answers 404 for anyone else's.
    ownerOrOperator(admin("GET", "/accounts/{id}", "account-get", ["OrdersTable"])),
    ownerOrOperator(admin("GET", "/accounts/{id}/orders", "account-orders", ["OrdersTable"])),
    ownerOrOperator(admin("GET", "/accounts/{id}/entries", "account-entries", ["OrdersTable"])),
    admin("PUT", "/accounts/{id}/webhook", "account-webhook", ["OrdersTable", "OrdersConfig"]),
    // Admin until customers have identities of their own; the processor does the cancelling.
    admin("POST", "/orders/{id}/cancel", "order-cancel", ["OrdersTable", "OrdersQueue"]),
    admin("POST", "/orders/{id}/verify-consistency", "order-verify", ["OrdersTable", "OrdersBucket"]),
    // The full audit reads every sku and account: it gets the DLQ routes' longer timeout.
    admin("POST", "/admin/consistency-audit", "consistency-audit", ["OrdersTable", "OrdersBucket", "OrdersConfig"], 29),
    // The latest report, read back from the bucket: no table.
    admin("GET", "/admin/consistency-audit", "consistency-report", ["OrdersBucket"]),
  ];
}

/** The DLQ admin API: every route behind the bearer token, linked to the queues and table only. */
function adminRoutes(): RouteSpec[] {
  // Redrives send and delete one message at a time.
  const dlq = (method: RouteSpec["method"], path: string, file: string, links: LinkName[]) =>
    admin(method, path, file, links, 29);
  return [
    dlq("GET", "/admin/dlq", "list-dead-letters", ["OrdersDlq", "OrdersTable"]),
    // The depth alone, which the public /health no longer shows: one attribute read, for the console to poll.
    admin("GET", "/admin/dlq/depth", "dead-letter-depth", ["OrdersDlq"]),
    dlq("POST", "/admin/dlq/redrive", "redrive-dead-letters", ["OrdersDlq", "OrdersQueue", "OrdersTable"]),
    dlq("POST", "/admin/dlq/{id}/edit", "edit-dead-letter", [
      "OrdersDlq",
      "OrdersQueue",
      "OrdersTable",
      "OrdersConfig",
    ]),
    dlq("POST", "/admin/dlq/{id}/dry-run", "dry-run-dead-letter", ["OrdersDlq", "OrdersTable", "OrdersConfig"]),
    // A discard ends the order's saga, and publishes how it ended.
    dlq("POST", "/admin/dlq/{id}/discard", "discard-dead-letter", ["OrdersDlq", "OrdersTable", "OrderEvents"]),
    dlq("GET", "/admin/audit", "list-audit", ["OrdersTable"]),
  ];
}
