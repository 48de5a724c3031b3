import type { SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "@orders/core/adapters/sqs-queue-depth";
import type { LocalResources } from "./provision.ts";
import { type LocalTelemetry, seriesKey } from "./telemetry.ts";

/**
 * CloudWatch's GetMetricData, as far as the console's overview asks it, over
 * the local runtime's own readings: the handlers' EMF counts (telemetry.ts)
 * and the queues' depths sampled every few seconds. Served at
 * `/_local/cloudwatch`, where the functions' AWS_ENDPOINT_URL_CLOUDWATCH
 * points, so `GET /admin/metrics` runs the same handler and adapter as
 * deployed. CloudWatch's AWS JSON 1.0 protocol: epoch seconds for times. One
 * local stage: dimensions other than a queue's name are not told apart.
 */

interface MetricDataQuery {
  Id: string;
  Label?: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
}

const SUPPORTED_STATS: Record<string, true> = { Sum: true, Maximum: true };

/** The answer to one GetMetricData request (its JSON body), or why it is refused. */
export function getMetricData(
  body: string,
  telemetry: LocalTelemetry | undefined,
): { status: number; body: Record<string, unknown> } {
  let request: { MetricDataQueries?: MetricDataQuery[]; StartTime?: number; EndTime?: number };
  try {
    request = JSON.parse(body || "{}");
  } catch {
    return refused("The request is not JSON");
  }
  const { MetricDataQueries: queries, StartTime: start, EndTime: end } = request;
  if (!Array.isArray(queries) || typeof start !== "number" || typeof end !== "number") {
    return refused("GetMetricData needs MetricDataQueries, StartTime and EndTime");
  }
  const results = [];
  for (const query of queries) {
    const stat = query.MetricStat;
    if (stat?.Period !== 60 || !SUPPORTED_STATS[stat.Stat]) {
      return refused(`Query ${query.Id}: only a MetricStat of Sum or Maximum over 60 seconds is served locally`);
    }
    const { Namespace, MetricName, Dimensions = [] } = stat.Metric;
    const queue = Namespace === "AWS/SQS" ? Dimensions.find((d) => d.Name === "QueueName")?.Value : undefined;
    const points = telemetry?.series(
      seriesKey(Namespace, MetricName, queue),
      new Date(start * 1000),
      new Date(end * 1000),
    );
    results.push({
      Id: query.Id,
      Label: query.Label ?? MetricName,
      Timestamps: (points ?? []).map((point) => point.at.getTime() / 1000),
      Values: (points ?? []).map((point) => point.value),
      StatusCode: "Complete",
    });
  }
  return { status: 200, body: { MetricDataResults: results, Messages: [] } };
}

function refused(message: string) {
  return { status: 400, body: { __type: "InvalidParameterCombinationException", message } };
}

/**
 * Reads each queue's depth every `everyMs` into the telemetry's readings, as
 * AWS/SQS's ApproximateNumberOfMessagesVisible: CloudWatch samples the queues
 * deployed; here nothing else would. The depth is the one the console's
 * header shows (visible and in flight), which for a DLQ, where nothing is
 * received but by an operator, is its visible depth. Returns the stop.
 */
export function sampleQueueDepths(
  telemetry: LocalTelemetry,
  sqs: SQSClient,
  resources: LocalResources,
  everyMs = 10_000,
): () => void {
  const queues = [
    resources.queue,
    resources.dlq,
    resources.notificationsQueue,
    resources.notificationsDlq,
    resources.schedulesDlq,
  ];
  const sample = async () => {
    await Promise.all(
      queues.map(async ({ url }) => {
        const depth = await queueDepth(sqs, url).catch(() => undefined);
        const name = url.slice(url.lastIndexOf("/") + 1);
        const key = seriesKey("AWS/SQS", "ApproximateNumberOfMessagesVisible", name);
        if (typeof depth === "number") telemetry.record(key, depth, Date.now(), "max");
      }),
    );
  };
  void sample();
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
