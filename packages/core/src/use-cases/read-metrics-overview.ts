import {
  type MetricsOverview,
  metricsWindow,
  OUTCOME_METRICS,
  OVERVIEW_COUNTS,
  OVERVIEW_QUEUES,
  type OverviewCount,
  type OverviewQueue,
  PERIOD_SECONDS,
  perMinute,
  readMetricsQuery,
} from "../domain/metrics-overview.ts";
import type { Clock, DeadLetterQueue, MetricsSource } from "../ports.ts";

export interface ReadMetricsOverviewDeps {
  metrics: MetricsSource;
  /** Each charted queue's name, as the metrics source knows it. */
  queueNames: Record<OverviewQueue, string>;
  /**
   * Each charted queue itself, whose depth now is the current minute's
   * reading: CloudWatch's SQS metrics arrive minutes late, and a depth the
   * console's header already shows should not be missing from the chart.
   */
  queues: Record<OverviewQueue, DeadLetterQueue>;
  clock?: Clock;
}

/**
 * The console's overview over the last `minutes` (the query's, 60 by
 * default): each outcome, the throughput, the notification failures and each
 * dead-letter queue's depth (the current minute's read from the queue too),
 * one value a minute, oldest first. Throws InvalidInputError for a malformed
 * query.
 */
export async function readMetricsOverview(
  query: Record<string, string | undefined>,
  deps: ReadMetricsOverviewDeps,
): Promise<MetricsOverview> {
  const { minutes } = readMetricsQuery(query);
  const window = metricsWindow(deps.clock?.now() ?? new Date(), minutes);
  const now = async (queue: OverviewQueue) => ({
    at: new Date(window.to.getTime() - 1),
    value: await deps.queues[queue].depth(),
  });
  const [counted, depths, current] = await Promise.all([
    deps.metrics.counts(OVERVIEW_COUNTS, window),
    deps.metrics.depths(deps.queueNames, window),
    Promise.all(OVERVIEW_QUEUES.map(now)),
  ]);
  const counts = Object.fromEntries(
    OVERVIEW_COUNTS.map((name) => [name, perMinute(window, counted[name] ?? [], 0) as number[]]),
  ) as Record<OverviewCount, number[]>;
  const throughput = Array.from({ length: minutes }, (_, i) =>
    OUTCOME_METRICS.reduce((sum, name) => sum + (counts[name][i] ?? 0), 0),
  );
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    periodSeconds: PERIOD_SECONDS,
    minutes: Array.from({ length: minutes }, (_, i) =>
      new Date(window.from.getTime() + i * PERIOD_SECONDS * 1000).toISOString(),
    ),
    counts,
    throughput,
    depths: Object.fromEntries(
      OVERVIEW_QUEUES.map((queue, i) => [
        queue,
        perMinute(window, [...(depths[queue] ?? []), ...(current[i] ? [current[i]] : [])], null),
      ]),
    ) as Record<OverviewQueue, (number | null)[]>,
  };
}
