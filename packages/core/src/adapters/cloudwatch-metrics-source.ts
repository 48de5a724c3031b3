import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { type MetricPoint, type MetricsWindow, PERIOD_SECONDS } from "../domain/metrics-overview.ts";
import type { MetricsSource } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { SdkAdapter } from "./sdk-adapter.ts";

/** Where the functions' EMF metrics land: the namespace and the dimensions every one of them carries. */
export interface EmfMetricsScope {
  namespace: string;
  dimensions: Record<string, string>;
}

/** GetMetricData takes at most 500 queries a call; the overview asks for about ten. */
const MAX_QUERIES = 500;

/**
 * The stage's metrics from CloudWatch, a point a minute: the functions' counts
 * (Sum) under their namespace and dimensions, and each queue's
 * ApproximateNumberOfMessagesVisible (Maximum) from AWS/SQS. One
 * GetMetricData call, paged by NextToken. IAM: cloudwatch:GetMetricData,
 * which takes no resource narrower than `*`.
 */
export class CloudWatchMetricsSource extends SdkAdapter<CloudWatchClient, EmfMetricsScope> implements MetricsSource {
  counts(names: readonly string[], window: MetricsWindow): Promise<Record<string, MetricPoint[]>> {
    const dimensions = Object.entries(this.target.dimensions).map(([Name, Value]) => ({ Name, Value }));
    const queries = names.map(
      (name): MetricDataQuery => ({
        Id: `q${names.indexOf(name)}`,
        Label: name,
        MetricStat: {
          Metric: { Namespace: this.target.namespace, MetricName: name, Dimensions: dimensions },
          Period: PERIOD_SECONDS,
          Stat: "Sum",
        },
      }),
    );
    return this.#read("read metrics", queries, window);
  }

  depths(queueNames: Record<string, string>, window: MetricsWindow): Promise<Record<string, MetricPoint[]>> {
    const queries = Object.entries(queueNames).map(
      ([key, queueName], index): MetricDataQuery => ({
        Id: `d${index}`,
        Label: key,
        MetricStat: {
          Metric: {
            Namespace: "AWS/SQS",
            MetricName: "ApproximateNumberOfMessagesVisible",
            Dimensions: [{ Name: "QueueName", Value: queueName }],
          },
          Period: PERIOD_SECONDS,
          Stat: "Maximum",
        },
      }),
    );
    return this.#read("read queue depths", queries, window);
  }

  /** Runs the queries over the window; each result's points by its query's label. */
  #read(what: string, queries: MetricDataQuery[], window: MetricsWindow): Promise<Record<string, MetricPoint[]>> {
    if (queries.length > MAX_QUERIES) throw new Error(`${queries.length} metric queries: at most ${MAX_QUERIES}`);
    return guarded("metrics", what, async () => {
      const labels = new Map(queries.map((query) => [query.Id, query.Label ?? ""]));
      const points: Record<string, MetricPoint[]> = {};
      let token: string | undefined;
      do {
        const page = await this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: window.from,
            EndTime: window.to,
            ScanBy: "TimestampAscending",
            NextToken: token,
          }),
        );
        for (const result of page.MetricDataResults ?? []) {
          const label = labels.get(result.Id) ?? result.Label ?? "";
          points[label] = [...(points[label] ?? []), ...pointsOf(result)];
        }
        token = page.NextToken;
      } while (token);
      return points;
    });
  }
}

function pointsOf(result: MetricDataResult): MetricPoint[] {
  const values = result.Values ?? [];
  return (result.Timestamps ?? []).map((at, i) => ({ at: new Date(at), value: values[i] ?? 0 }));
}
