import { api, routeFunctions } from "./api.ts";
import { type queues, type RouteSpec, routes, schedules, subscriptions } from "./manifest.ts";
import { dlq, notificationsDlq, notificationsQueue, queue, subscribers } from "./queues.ts";
import { crons, schedulesDlq } from "./schedules.ts";

/**
 * Alarms next to what they watch, all notifying the alerts topic whose ARN
 * Terraform publishes in SSM (stacks/foundation): the one seam between the two.
 */
export const alertsTopicParameter = `/${$app.name}/foundation/alerts-topic-arn`;
const alertsTopicArn = aws.ssm.getParameterOutput({ name: alertsTopicParameter }).value;
const prefix = `${$app.name}-${$app.stage}`;
/**
 * Every stage emits the same custom metrics (packages/functions/src/metrics.ts):
 * the `stage` dimension keeps one stage's failures out of another's alarms.
 */
const customDimensions = { service: "orders", stage: $app.stage };
const notify = { alarmActions: [alertsTopicArn], okActions: [alertsTopicArn] };

const dlqName = dlq.nodes.queue.name;
const queueName = queue.nodes.queue.name;
const apiId = api.nodes.api.id;

interface AlarmSpec {
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, unknown>;
  statistic: "Sum" | "Maximum";
  period: number;
  /** One period by default. */
  evaluationPeriods?: number;
  /** 0 by default: any datum above it alarms. */
  threshold?: number;
  /** Greater than the threshold by default; at-or-above when set. */
  orEqual?: boolean;
}

/** One alarm named `<app>-<stage>-<suffix>`, quiet when there is no data, notifying the alerts topic. */
function alarm(name: string, suffix: string, spec: AlarmSpec) {
  const { description, orEqual, evaluationPeriods = 1, threshold = 0, ...metric } = spec;
  return new aws.cloudwatch.MetricAlarm(name, {
    name: `${prefix}-${suffix}`,
    alarmDescription: description,
    ...metric,
    evaluationPeriods,
    threshold,
    comparisonOperator: orEqual ? "GreaterThanOrEqualToThreshold" : "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...notify,
  });
}

/** A queue's metric, at its highest in each minute. */
const queueMetric = (metricName: string, queueName: $util.Input<string>) =>
  ({
    namespace: "AWS/SQS",
    metricName,
    dimensions: { QueueName: queueName },
    statistic: "Maximum",
    period: 60,
  }) as const;

/** One of the stage's own metrics (packages/functions/src/metrics.ts). */
const customMetric = <S extends string>(metricName: string, statistic: S, period: number) => ({
  namespace: "orders",
  metricName,
  dimensions: customDimensions,
  statistic,
  period,
});

const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
const pascal = (suffix: string) =>
  suffix
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
/** A route's alarms are named after its method and path: `api-get-orders-id`, `api-get-root` for `/`. */
const routeSuffix = ({ method, path }: Pick<RouteSpec, "method" | "path">) =>
  ["api", method, ...(path === "/" ? ["root"] : path.split(/[^A-Za-z0-9]+/))].filter(Boolean).join("-").toLowerCase();

interface WatchedFunction {
  /** How the manifest names it, for descriptions and the dashboard: `GET /orders/{id}`, `SagaSweeper`. */
  label: string;
  /** What its alarms' names end with, after `<app>-<stage>-`. */
  suffix: string;
  /** The start of its alarms' Pulumi names; a changed one would replace a deployed alarm. */
  logical: string;
  functionName: $util.Input<string>;
}

/**
 * Every function of the manifest, routes, queue subscribers and schedules,
 * with the name its alarms take. A route's crash or timeout reaches its caller
 * as a 5xx, but the API's 5xx alarm needs five, and cannot say which route:
 * each function has its own alarms. OrdersProcessor and the subscribers and
 * schedules keep the names their alarms were deployed with.
 */
const watchedFunctions: WatchedFunction[] = [
  ...routes.map((route, i) => ({
    label: `${route.method} ${route.path}`,
    suffix: routeSuffix(route),
    logical: pascal(routeSuffix(route)),
    functionName: (routeFunctions[i] as (typeof routeFunctions)[number]).name,
  })),
  ...subscriptions.map(({ name }) => ({
    label: name,
    suffix: name === "OrdersProcessor" ? "processor" : kebab(name),
    logical: name,
    functionName: (subscribers[name] as (typeof subscribers)[string]).nodes.function.name,
  })),
  ...schedules.map(({ name }, i) => ({
    label: name,
    suffix: kebab(name),
    logical: name,
    functionName: (crons[i] as (typeof crons)[number]).nodes.function.name,
  })),
];

/** What each Lambda failure metric says of a function, for its alarm's description. */
const lambdaFailures = {
  Errors: "invocations failed as a whole (timeouts, crashes).",
  Throttles: "is being throttled: raise its concurrency or the account limit.",
} as const;

/** An Errors and a Throttles alarm for every function, alarming on the first in 5 minutes. */
export const functionAlarms = watchedFunctions.flatMap(({ label, suffix, logical, functionName }) =>
  Object.entries(lambdaFailures).map(([metricName, what]) =>
    alarm(`${logical}${metricName}Alarm`, `${suffix}-${metricName.toLowerCase()}`, {
      description: `${label} ${what}`,
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: functionName },
      statistic: "Sum",
      period: 300,
    }),
  ),
);

/** An order event that ran out of tries: the payer's webhook has been failing for about an hour. */
export const notificationsDlqNotEmpty = alarm("NotificationsDlqNotEmptyAlarm", "notifications-dlq-not-empty", {
  description:
    "Order events wait in NotificationsDlq: a payer's webhook kept failing. The console's Notifications DLQ tab (GET /admin/notifications-dlq) shows each event's payer and lastError; fix the receiver, then redrive there (POST /admin/notifications-dlq/redrive).",
  ...queueMetric("ApproximateNumberOfMessagesVisible", notificationsDlq.nodes.queue.name),
});

/**
 * A scheduled run that never ran to its end: EventBridge Scheduler could not
 * hand it to its function (the function missing, the schedule's role refused,
 * Lambda kept refusing), or the function failed it after Lambda's retries.
 */
export const schedulesDlqNotEmpty = alarm("SchedulesDlqNotEmptyAlarm", "schedules-dlq-not-empty", {
  description: `Scheduled runs of ${schedules.map((s) => s.name).join(" or ")} wait in SchedulesDlq. A run EventBridge Scheduler could not start carries ERROR_CODE, ERROR_MESSAGE and TARGET_ARN attributes; a run its function failed is Lambda's record, whose requestContext.functionArn says which, requestContext.condition why it stopped (RetriesExhausted, EventAgeExceeded) and responsePayload the error. Fix the cause, then purge the queue: the next runs take over.`,
  ...queueMetric("ApproximateNumberOfMessagesVisible", schedulesDlq.nodes.queue.name),
});

/** Anything in the DLQ needs an operator: the console says why. */
export const dlqNotEmpty = alarm("OrdersDlqNotEmptyAlarm", "dlq-not-empty", {
  description: "Orders are waiting in OrdersDlq. Open /console to see why and redrive them.",
  ...queueMetric("ApproximateNumberOfMessagesVisible", dlqName),
});

/** Orders waiting over 5 minutes: the processor is down, throttled or too slow. */
export const queueAge = alarm("OrdersQueueAgeAlarm", "queue-oldest-message-age", {
  description: "The oldest order on OrdersQueue has waited over 5 minutes for 3 minutes.",
  ...queueMetric("ApproximateAgeOfOldestMessage", queueName),
  evaluationPeriods: 3,
  threshold: 300,
});

/** Records failing and being retried: a dependency is failing before anything reaches the DLQ. */
export const processingFailures = alarm("OrdersProcessingFailuresAlarm", "processing-failures", {
  description: "10 or more failed processing attempts in 5 minutes.",
  ...customMetric("ProcessingFailures", "Sum", 300),
  threshold: 10,
  orEqual: true,
});

/** The audit's period, from its schedule (60 minutes): one run, so one InconsistenciesFound, per period. */
const auditSchedule = schedules.find((schedule) => schedule.name === "ConsistencyAudit");
if (!auditSchedule) throw new Error("infra/manifest.ts declares no ConsistencyAudit schedule");
const auditPeriod = auditSchedule.everyMinutes * 60;

/** The hourly consistency audit found stock or money out of step: every one is a bug to chase. */
export const inconsistencies = alarm("OrdersInconsistenciesAlarm", "inconsistencies-found", {
  description: "The consistency audit found an inconsistency (stock, an account or money); see reports/consistency/.",
  ...customMetric("InconsistenciesFound", "Maximum", auditPeriod),
});

/**
 * The audit's heartbeat, on InconsistenciesFound: each run publishes it, 0
 * included, as its last act, so a run that crashes or times out publishes
 * nothing (its Lambda Invocations would still count it, hence not that
 * metric). One period per scheduled run; two empty periods running, not one,
 * because a run's datum lands minutes after its start and EventBridge may
 * shift a run across a period's edge. Missing data is breaching: a crashed or
 * unscheduled audit must not read as a clean one. (An operator's
 * POST /admin/consistency-audit publishes it too, and counts as a run.)
 */
export const auditHeartbeat = new aws.cloudwatch.MetricAlarm("OrdersAuditHeartbeatAlarm", {
  name: `${prefix}-audit-heartbeat`,
  alarmDescription: `The consistency audit has not reported for ${(2 * auditPeriod) / 3600} hours: its schedule or its function is broken.`,
  ...customMetric("InconsistenciesFound", "SampleCount", auditPeriod),
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  threshold: 1,
  comparisonOperator: "LessThanThreshold",
  treatMissingData: "breaching",
  ...notify,
});

/** The API answers 5xx: 503 when a dependency is down, 500 for a bug. */
export const api5xx = alarm("OrdersApi5xxAlarm", "api-5xx", {
  description: "5 or more 5xx answers from the API in 5 minutes.",
  namespace: "AWS/ApiGateway",
  metricName: "5xx",
  dimensions: { ApiId: apiId },
  statistic: "Sum",
  period: 300,
  threshold: 5,
  orEqual: true,
});

/** A dashboard line: the metric, its dimensions, then its options (the statistic, and the axis it is read on). */
const metric = (
  namespace: string,
  name: string,
  dimensions: Record<string, unknown>,
  stat = "Sum",
  options: { yAxis?: "left" | "right" } = {},
) => [namespace, name, ...Object.entries(dimensions).flat(), { stat, ...options }];
const widget = (title: string, metrics: unknown[][], x: number, y: number, width = 12) => ({
  type: "metric",
  x,
  y,
  width,
  height: 6,
  properties: { title, metrics, view: "timeSeries", region: aws.getRegionOutput().region, period: 60 },
});

/** Every queue of the manifest; `satisfies` makes a queue added there fail to compile until it is charted. */
const everyQueue = {
  OrdersQueue: queue,
  OrdersDlq: dlq,
  NotificationsQueue: notificationsQueue,
  NotificationsDlq: notificationsDlq,
  SchedulesDlq: schedulesDlq,
} satisfies Record<keyof typeof queues, sst.aws.Queue>;
/** Each queue's metric at its highest in the minute, one line per queue. */
const queueLines = (name: string) =>
  Object.values(everyQueue).map((q) => metric("AWS/SQS", name, { QueueName: q.nodes.queue.name }, "Maximum"));

/** Three functions to a row, below the four widgets of the pipeline. */
const FUNCTIONS_PER_ROW = 3;
/** A function's calls and failures on the left axis, and its slowest 1% (milliseconds) on the right. */
const functionWidget = ({ label, functionName }: WatchedFunction, i: number) =>
  widget(
    label,
    [
      ...["Invocations", "Errors", "Throttles"].map((name) =>
        metric("AWS/Lambda", name, { FunctionName: functionName }),
      ),
      metric("AWS/Lambda", "Duration", { FunctionName: functionName }, "p99", { yAxis: "right" }),
    ],
    (i % FUNCTIONS_PER_ROW) * (24 / FUNCTIONS_PER_ROW),
    18 + Math.floor(i / FUNCTIONS_PER_ROW) * 6,
    24 / FUNCTIONS_PER_ROW,
  );

/** One page for the stage: what came in, what became of it, what is stuck, and every function. */
export const dashboard = new aws.cloudwatch.Dashboard("OrdersDashboard", {
  dashboardName: `${prefix}-pipeline`,
  dashboardBody: $jsonStringify({
    widgets: [
      widget(
        "Orders by outcome",
        // What the processor emits as an order ends (packages/functions/src/metrics.ts): an original is counted
        // once, at its end, so OrdersAccepted (a PENDING end) never shows and is not charted.
        [
          "OrdersConfirmed",
          "OrdersFailed",
          "OrdersCancelled",
          "OrdersRejected",
          "OrdersDuplicate",
          "ProcessingFailures",
        ].map((name) => metric("orders", name, customDimensions)),
        0,
        0,
      ),
      widget(
        "API",
        [
          metric("AWS/ApiGateway", "Count", { ApiId: apiId }),
          metric("AWS/ApiGateway", "4xx", { ApiId: apiId }),
          metric("AWS/ApiGateway", "5xx", { ApiId: apiId }),
        ],
        12,
        0,
      ),
      widget("Queue depth (messages visible)", queueLines("ApproximateNumberOfMessagesVisible"), 0, 6),
      widget("Age of the oldest message (seconds)", queueLines("ApproximateAgeOfOldestMessage"), 12, 6),
      widget(
        "Notifications",
        // What the Notifier emits per event (packages/functions/src/metrics.ts): NotificationsDeferred counts the
        // events that waited for an open webhook circuit, NotificationAttemptsFailed every failed try.
        [
          "NotificationsDelivered",
          "NotificationsDeduplicated",
          "NotificationsWithoutWebhook",
          "NotificationsDeferred",
          "NotificationAttemptsFailed",
        ].map((name) => metric("orders", name, customDimensions)),
        0,
        12,
        24,
      ),
      ...watchedFunctions.map(functionWidget),
    ],
  }),
});
