import { api } from "./api.ts";
import { schedules } from "./manifest.ts";
import { dlq, notificationsDlq, processor, queue, subscribers } from "./queues.ts";
import { crons } from "./schedules.ts";

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
const processorName = processor.nodes.function.name;
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

/**
 * Every function that no API route fronts, by the suffix of its alarms: the
 * queue subscribers and the schedules. (A route's failures reach its caller
 * and the API's 5xx alarm.) Each gets an Errors and a Throttles alarm, so
 * that none can fail in silence; OrdersProcessor keeps the names its alarms
 * were deployed with.
 */
const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
const watchedFunctions: { suffix: string; logical: string; functionName: $util.Input<string> }[] = [
  ...Object.entries(subscribers).map(([name, subscriber]) => ({
    suffix: name === "OrdersProcessor" ? "processor" : kebab(name),
    logical: name,
    functionName: subscriber.nodes.function.name,
  })),
  ...crons.map((cron, i) => ({
    suffix: kebab(schedules[i]?.name ?? `schedule-${i}`),
    logical: schedules[i]?.name ?? `Schedule${i}`,
    functionName: cron.nodes.function.name,
  })),
];

/** What each Lambda failure metric says of a function, for its alarm's description. */
const lambdaFailures = {
  Errors: "invocations failed as a whole (timeouts, crashes).",
  Throttles: "is being throttled: raise its concurrency or the account limit.",
} as const;

export const functionAlarms = watchedFunctions.flatMap(({ suffix, logical, functionName }) =>
  Object.entries(lambdaFailures).map(([metricName, what]) =>
    alarm(`${logical}${metricName}Alarm`, `${suffix}-${metricName.toLowerCase()}`, {
      description: `${logical} ${what}`,
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
    "Order events wait in NotificationsDlq: a payer's webhook kept failing. GET /orders/{id} shows each delivery's lastError; fix the receiver, then move the messages back with `aws sqs start-message-move-task`.",
  ...queueMetric("ApproximateNumberOfMessagesVisible", notificationsDlq.nodes.queue.name),
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

/** The hourly consistency audit found stock or money out of step: every one is a bug to chase. */
export const inconsistencies = alarm("OrdersInconsistenciesAlarm", "inconsistencies-found", {
  description: "The consistency audit found an inconsistency (stock, an account or money); see reports/consistency/.",
  ...customMetric("InconsistenciesFound", "Maximum", 3600),
});

/**
 * The audit's heartbeat: every run publishes InconsistenciesFound, 0 included.
 * No run for two hours (the schedule stopped, the function crashes before it
 * publishes) is missing data, and missing data here is breaching: a crashed
 * audit must not read as a clean one.
 */
export const auditHeartbeat = new aws.cloudwatch.MetricAlarm("OrdersAuditHeartbeatAlarm", {
  name: `${prefix}-audit-heartbeat`,
  alarmDescription: "The consistency audit has not reported for two hours: its schedule or its function is broken.",
  ...customMetric("InconsistenciesFound", "SampleCount", 3600),
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

const metric = (namespace: string, name: string, dimensions: Record<string, unknown>, stat = "Sum") => [
  namespace,
  name,
  ...Object.entries(dimensions).flat(),
  { stat },
];
const widget = (title: string, metrics: unknown[][], x: number, y: number) => ({
  type: "metric",
  x,
  y,
  width: 12,
  height: 6,
  properties: { title, metrics, view: "timeSeries", region: aws.getRegionOutput().region, period: 60 },
});

/** One page for the pipeline: what came in, what became of it, what is stuck. */
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
        "Queues",
        [
          metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: queueName }, "Maximum"),
          metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: dlqName }, "Maximum"),
          metric("AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: queueName }, "Maximum"),
        ],
        12,
        0,
      ),
      widget(
        "OrdersProcessor",
        ["Invocations", "Errors", "Throttles"].map((name) =>
          metric("AWS/Lambda", name, { FunctionName: processorName }),
        ),
        0,
        6,
      ),
      widget(
        "API",
        [
          metric("AWS/ApiGateway", "Count", { ApiId: apiId }),
          metric("AWS/ApiGateway", "4xx", { ApiId: apiId }),
          metric("AWS/ApiGateway", "5xx", { ApiId: apiId }),
        ],
        12,
        6,
      ),
    ],
  }),
});
