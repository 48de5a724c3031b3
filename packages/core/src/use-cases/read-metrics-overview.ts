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
import type { Clock, MetricsSource } from "../ports.ts";

export interface ReadMetricsOverviewDeps {
  metrics: MetricsSource;
  /** Each charted queue's name, as the metrics source knows it. */
  queueNames: Record<OverviewQueue, string>;
  clock?: Clock;
}

/**
 * The console's overview over the last `minutes` (the query's, 60 by
 * default): each outcome, the throughput, the notification failures and each
 * dead-letter queue's depth, one value a minute, oldest first. Throws
 * InvalidInputError for a malformed query.
 */
export async function readMetricsOverview(
  query: Record<string, string | undefined>,
  deps: ReadMetricsOverviewDeps,
): Promise<MetricsOverview> {
  const { minutes } = readMetricsQuery(query);
  const window = metricsWindow(deps.clock?.now() ?? new Date(), minutes);
  const [counted, depths] = await Promise.all([
    deps.metrics.counts(OVERVIEW_COUNTS, window),
    deps.metrics.depths(deps.queueNames, window),
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
      OVERVIEW_QUEUES.map((queue) => [queue, perMinute(window, depths[queue] ?? [], null)]),
    ) as Record<OverviewQueue, (number | null)[]>,
  };
}
