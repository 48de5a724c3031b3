/**
 * The one table of resources, routes and queue subscriptions. Plain data with
 * no SST globals: `infra/` loops over it to declare the cloud stage, and the
 * local runtime loops over it to serve the same handlers offline, so the two
 * cannot drift.
 */

import { SCOPE_OF } from "@orders/core/domain/caller";

export type LinkName =
  | "OrdersTable"
  | "OrdersBucket"
  | "OrdersQueue"
  | "OrdersDlq"
  | "OrdersConfig"
  | "AdminToken"
  | "OrderEvents"
  | "NotificationsQueue"
  | "NotificationsDlq";

export interface FunctionSpec {
  /** SST handler string: file path from the repo root, then the export. */
  handler: string;
  /** Exactly the resources the function uses: least privilege. */
  links: readonly LinkName[];
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * Lambda reserved concurrency: at most this many run at once, and the account
   * keeps them for this function alone. Unset: the function shares the
   * account's unreserved pool. Each number is argued where it is set.
   */
  reservedConcurrency?: number;
  /**
   * Files of npm packages the function reads at run time (`package/file`),
   * copied beside its bundle as `node_modules/package/file`, where Node's
   * resolution finds them as it does locally.
   */
  files?: readonly string[];
}

/** API Gateway's token bucket: `ratePerSecond` refills it, `burst` is its size. */
export interface Throttle {
  ratePerSecond: number;
  burst: number;
}

/**
 * Who may call a route. `public`: anyone. `caller`: any signed-in caller (a
 * customer, a channel or an operator), the handler deciding what each may
 * see. `operator`: operators only. Deployed, API Gateway's JWT authorizer
 * checks the token and its scope before the function runs; the local
 * runtime checks the same token with the same rules.
 */
export type RouteAccess = "public" | "caller" | "operator";

/**
 * The scopes a route asks of a caller's token, any one of which will do: API
 * Gateway's JWT authorizer checks them deployed, the local gateway offline.
 */
export function routeScopes(access: RouteAccess): string[] {
  if (access === "operator") return [SCOPE_OF.operator];
  if (access === "caller") return Object.values(SCOPE_OF);
  return [];
}

export interface RouteSpec extends FunctionSpec {
  method: "GET" | "POST" | "PUT";
  access: RouteAccess;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  /** This route's own throttle, in place of `throttling.stage`. */
  throttle?: Throttle;
}

/**
 * A function run on a timer: an EventBridge Scheduler schedule
 * (`sst.aws.CronV2`) deployed, a plain timer in the local runtime, which
 * calls the function directly and so has no delivery to retry (`delivery`),
 * but keeps `failures` as Lambda does.
 */
export interface ScheduleSpec extends FunctionSpec {
  /** The logical name of the function. */
  name: string;
  /** Minutes between runs (`rate(N minutes)`). */
  everyMinutes: number;
  /**
   * How EventBridge Scheduler hands a run to the function. It invokes Lambda
   * asynchronously, so these cover the hand-off only (Lambda refusing or
   * throttling the Invoke call, the function or the permission missing), not
   * the handler's own failures, which its Errors alarm reports. A run not
   * handed over after `retries` more tries, or once `maxEventAgeSeconds` old
   * (60 at the least), goes to `dlq`, never nowhere.
   */
  delivery: { retries: number; maxEventAgeSeconds: number; dlq: "SchedulesDlq" };
  /**
   * A run the function accepted and then failed (or that waited past
   * `delivery.maxEventAgeSeconds`, throttled): Lambda tries it `retries` more
   * times (its asynchronous invocation's own retries, 0 to 2), then sends the
   * run's event and the error to `dlq`, an on-failure destination. A failed run
   * is kept with its reason, not only counted by the function's Errors alarm.
   */
  failures: { retries: 0 | 1 | 2; dlq: "SchedulesDlq" };
}

export interface SubscriptionSpec extends FunctionSpec {
  /** The logical name of the function. */
  name: string;
  queue: "OrdersQueue" | "NotificationsQueue";
  batchSize: number;
  /**
   * The event source mapping's maximum concurrency: at most this many batches
   * at once, however long the queue. Unlike reserved concurrency alone it never
   * throttles an invocation, so a backlog waits on the queue instead of using up
   * receives and reaching the DLQ unprocessed.
   */
  maximumConcurrency: number;
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
   *
   * `circuit`: each account's webhook endpoint opens after 5 failed sends in a row; its
   * events then wait (queued again, their tries untouched) while one probe a
   * cool-down tries it: 30 s, doubled after each failed probe, up to 15 min
   * (SQS's longest delay). An event that has waited 3 days is sent whatever
   * the circuit says, so its tries run out and it reaches NotificationsDlq.
   */
  notifications: {
    maxReceiveCount: 10,
    retryBaseSeconds: 4,
    retryMaxSeconds: 1_800,
    timeoutSeconds: 5,
    circuit: { failureThreshold: 5, coolDownSeconds: 30, maxCoolDownSeconds: 900, maxWaitHours: 72 },
  },
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
  /**
   * The schedules' runs EventBridge Scheduler could not hand to their function
   * (`ScheduleSpec.delivery`), and those their function failed
   * (`ScheduleSpec.failures`).
   */
  SchedulesDlq: { retentionDays: 14 },
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
    // A batch of 10 takes about 1.5 s (0.15 s an order), so 20 at once drain 100+ orders a second, twice what
    // POST /orders admits: a backlog clears, and cannot take more of the account than 20 from the API. Reserved
    // as many, so a flood of API calls cannot starve the processor either; equal, so the mapping is never throttled.
    maximumConcurrency: 20,
    reservedConcurrency: 20,
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
    // One event per order, so half the processor's; a slow receiver (5 s a POST) holding every batch for long
    // must not take hundreds of environments. Reserved as many, so the webhooks keep flowing under an API flood.
    maximumConcurrency: 10,
    reservedConcurrency: 10,
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
    // A run is worth handing over until the next one is due (60 s, the least EventBridge Scheduler takes): a later
    // one would only race it. Two more tries, or fewer if the minute runs out first.
    delivery: { retries: 2, maxEventAgeSeconds: 60, dlq: "SchedulesDlq" },
    // No retry of a failed run: Lambda's first comes a minute later, with the next run, which is the retry.
    failures: { retries: 0, dlq: "SchedulesDlq" },
    // Kept for it: stuck sagas hold stock and funds until it runs. Two: a run may last its whole 60 s, into the
    // next minute's; a third at once is throttled (Lambda retries the asynchronous invocation) and raises its alarm.
    reservedConcurrency: 2,
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  {
    name: "ConsistencyAudit",
    handler: "packages/functions/src/schedule/audit-consistency.handler",
    links: ["OrdersTable", "OrdersBucket", "OrdersConfig"],
    everyMinutes: 60,
    // Half the hour to hand a run over, more tries to do it in: a run later than that would come close to the
    // next one, which takes over (the audit reads everything each time); two missed runs raise its heartbeat.
    delivery: { retries: 10, maxEventAgeSeconds: 1_800, dlq: "SchedulesDlq" },
    // Lambda's two retries (about a minute, then two, later): the next run is an hour away.
    failures: { retries: 2, dlq: "SchedulesDlq" },
    // Hourly, at most 300 s a run: one, kept for it, so the audit runs whatever else floods the account.
    reservedConcurrency: 1,
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
];

const apiFunction = { timeoutSeconds: 10, memoryMb: 512 } as const;

/**
 * API Gateway throttling of the HTTP API's `$default` stage. API Gateway
 * applies the stage's default to each route on its own (one bucket per route
 * key), and a route's `throttle` replaces it; the only bucket all routes share
 * is the account's (10,000 per second, burst 5,000, per Region). The local
 * runtime enforces the same buckets; `ORDERS_RATE_LIMIT` replaces them there.
 */
export const throttling = {
  /** Reads (an order, an account's listings, the OpenAPI document, the console page). */
  stage: { ratePerSecond: 100, burst: 200 },
  /**
   * POST /orders: each accepted order is a queue message the processor must
   * work through (about 11 AWS calls, 5 of them DynamoDB writes, roughly 0.15 s).
   * 50 a second keeps the backlog clearing with OrdersProcessor's 20 batches
   * at once (100 or more orders a second), so a flood of orders is refused at
   * the door instead of growing a queue that delays every honest order.
   */
  submit: { ratePerSecond: 50, burst: 100 },
  /** GET /health: public and unauthenticated, four dependency calls each; a monitor needs one a second. */
  health: { ratePerSecond: 10, burst: 20 },
  /** Operator routes: a person at the console (which polls) or a CLI paging with --all. */
  operator: { ratePerSecond: 10, burst: 20 },
  /** The operator routes that touch everything (the full audit, a redrive of up to 100 messages). */
  operatorHeavy: { ratePerSecond: 1, burst: 2 },
} as const satisfies Record<string, Throttle>;

/**
 * Origins whose browser pages may call the API (CORS), by stage. HTTP API CORS
 * is API-wide, so an origin listed here reaches every route, operator routes
 * included; hence none by default. The console is served by the API itself
 * (same origin), channels are backends and the CLIs are not browsers. List a
 * customer web app's origin here when there is one: it sends a bearer token,
 * which a page on another origin cannot borrow, and never a cookie.
 */
export const browserOrigins: Readonly<Record<string, readonly string[]>> = {};

export const routes: readonly RouteSpec[] = [
  {
    method: "POST",
    path: "/orders",
    handler: "packages/functions/src/api/submit-order.handler",
    access: "caller",
    throttle: throttling.submit,
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
    throttle: throttling.health,
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
    path: "/",
    handler: "packages/functions/src/api/landing.handler",
    access: "public",
    links: [],
    ...apiFunction,
  },
  {
    method: "GET",
    path: "/docs",
    handler: "packages/functions/src/api/docs.handler",
    access: "public",
    links: [],
    // Swagger UI's script and stylesheet, served inline by the function (no CDN).
    files: ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui.css"],
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
  ...notificationAdminRoutes(),
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
    throttle: throttling.operator,
    links: ["AdminToken", ...links],
    ...apiFunction,
    timeoutSeconds,
  };
}

/** An admin route that a customer may call for its own account. */
function ownerOrOperator(route: RouteSpec): RouteSpec {
  // A customer's reads of its own account: the stage's default, as for its orders.
  return { ...route, access: "caller", throttle: undefined };
}

/** An operator route that reads or moves everything: throttled harder than the others. */
function heavy(route: RouteSpec): RouteSpec {
  return { ...route, throttle: throttling.operatorHeavy };
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
    // The endpoint without its secrets: a customer reads its own, like its account.
    ownerOrOperator(admin("GET", "/accounts/{id}/webhook", "account-webhook-get", ["OrdersTable"])),
    // Operators only: a refund is a decision, not a customer's right here; the processor does the cancelling.
    admin("POST", "/orders/{id}/cancel", "order-cancel", ["OrdersTable", "OrdersQueue"]),
    admin("POST", "/orders/{id}/verify-consistency", "order-verify", ["OrdersTable", "OrdersBucket"]),
    // Its spans come from X-Ray (deployed) or the local runtime: no link, X-Ray read rights only (infra/tracing.ts).
    admin("GET", "/admin/orders/{id}/trace", "order-trace", []),
    // The full audit reads every sku and account: it gets the DLQ routes' longer timeout.
    heavy(
      admin(
        "POST",
        "/admin/consistency-audit",
        "consistency-audit",
        ["OrdersTable", "OrdersBucket", "OrdersConfig"],
        29,
      ),
    ),
    // The latest report, read back from the bucket: no table.
    admin("GET", "/admin/consistency-audit", "consistency-report", ["OrdersBucket"]),
  ];
}

/**
 * NotificationsDlq's admin API: order events whose webhook delivery ran out
 * of tries, listed with their delivery records and moved back to
 * NotificationsQueue. Operators only; redrives are audited in the table.
 */
function notificationAdminRoutes(): RouteSpec[] {
  return [
    admin("GET", "/admin/notifications-dlq", "list-notification-dead-letters", ["NotificationsDlq", "OrdersTable"], 29),
    admin("GET", "/admin/notifications-dlq/depth", "notification-dead-letter-depth", ["NotificationsDlq"]),
    heavy(
      admin(
        "POST",
        "/admin/notifications-dlq/redrive",
        "redrive-notifications",
        ["NotificationsDlq", "NotificationsQueue", "OrdersTable"],
        29,
      ),
    ),
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
    heavy(dlq("POST", "/admin/dlq/redrive", "redrive-dead-letters", ["OrdersDlq", "OrdersQueue", "OrdersTable"])),
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
    // The console's overview from CloudWatch (cloudwatch:GetMetricData, infra/permissions.ts); the DLQs' names and depths.
    admin("GET", "/admin/metrics", "metrics-overview", ["OrdersDlq", "NotificationsDlq"]),
    // The operators' search across every account's orders, by status and time (the byReceivedHour index).
    admin("GET", "/admin/orders", "search-orders", ["OrdersTable"]),
  ];
}
