import * as z from "zod/mini";
import { InvalidInputError } from "./errors.ts";
import { toDetail } from "./validation.ts";
import { wholeNumberParameter } from "./whole-number-parameter.ts";

/**
 * The console's overview (`GET /admin/metrics`): the pipeline's metrics, a
 * point a minute over a recent window. The names are those the functions
 * emit (packages/functions/src/metrics.ts, namespace `orders`), plus each
 * dead-letter queue's depth as SQS reports it.
 */

/** How each processed order ended, one metric per outcome. */
export const OUTCOME_METRICS = [
  "OrdersConfirmed",
  "OrdersFailed",
  "OrdersCancelled",
  "OrdersRejected",
  "OrdersDuplicate",
] as const;

/** The Notifier's sends that reached the payer, and those that failed (each to be retried). */
export const NOTIFICATION_METRICS = ["NotificationsDelivered", "NotificationAttemptsFailed"] as const;

/** Every count the overview charts: each minute's sum. */
export const OVERVIEW_COUNTS = [...OUTCOME_METRICS, "ProcessingFailures", ...NOTIFICATION_METRICS] as const;
export type OverviewCount = (typeof OVERVIEW_COUNTS)[number];

/** The queues whose depth the overview charts: each minute's largest reading. */
export const OVERVIEW_QUEUES = ["OrdersDlq", "NotificationsDlq"] as const;
export type OverviewQueue = (typeof OVERVIEW_QUEUES)[number];

export const PERIOD_SECONDS = 60;
export const DEFAULT_MINUTES = 60;
/** Three hours: what the local runtime keeps, and 180 points a series, well within one GetMetricData call. */
export const MAX_MINUTES = 180;

/** The query string. Strict: a misspelt parameter is a 400, not silently the default. */
export const MetricsQuerySchema = z.strictObject({
  minutes: wholeNumberParameter("minutes", { min: 5, max: MAX_MINUTES, fallback: DEFAULT_MINUTES }),
});

/** `GET /admin/metrics`'s query, read; InvalidInputError when it is not one. */
export function readMetricsQuery(query: Record<string, string | undefined>): { minutes: number } {
  const parsed = MetricsQuerySchema.safeParse(query, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidInputError("The metrics query is malformed", { details: parsed.error.issues.map(toDetail) });
  }
  return parsed.data;
}

/** The minutes a window covers: whole minutes, ending with the one under way. */
export interface MetricsWindow {
  from: Date;
  to: Date;
  minutes: number;
}

/** The `minutes` whole minutes up to and including the current one. */
export function metricsWindow(now: Date, minutes: number): MetricsWindow {
  const step = PERIOD_SECONDS * 1000;
  const to = new Date(Math.floor(now.getTime() / step) * step + step);
  return { from: new Date(to.getTime() - minutes * step), to, minutes };
}

/** One reading: the minute it belongs to (its start) and its value. */
export interface MetricPoint {
  at: Date;
  value: number;
}

/**
 * Points laid on the window's minutes, oldest first. A minute with no point
 * is `empty`: 0 for a count (nothing happened), null for a depth (not read).
 */
export function perMinute(window: MetricsWindow, points: MetricPoint[], empty: 0 | null): (number | null)[] {
  const step = PERIOD_SECONDS * 1000;
  const values: (number | null)[] = Array.from({ length: window.minutes }, () => empty);
  for (const point of points) {
    const index = Math.floor((point.at.getTime() - window.from.getTime()) / step);
    if (index < 0 || index >= window.minutes) continue;
    const before = values[index];
    values[index] = empty === 0 ? (before ?? 0) + point.value : Math.max(before ?? 0, point.value);
  }
  return values;
}

/** `GET /admin/metrics`'s body. */
export interface MetricsOverview {
  from: string;
  to: string;
  periodSeconds: number;
  /** The start of each minute, oldest first: every series has one value per minute. */
  minutes: string[];
  /** Each count's sum per minute. */
  counts: Record<OverviewCount, number[]>;
  /** Orders processed per minute: the outcomes' sum. */
  throughput: number[];
  /** Each queue's largest depth in the minute; null where no reading was taken. */
  depths: Record<OverviewQueue, (number | null)[]>;
}
