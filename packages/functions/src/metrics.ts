import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { OrderStatus } from "@orders/core/domain/order";
import type { ProcessOutcome } from "@orders/core/use-cases/process-order";
import { stageName } from "./composition/stage.ts";

/**
 * CloudWatch EMF metrics of the pipeline, namespace `orders`, dimensions
 * `service` and `stage`: every stage emits the same names, and the stage keeps
 * a dev failure out of production's alarms (infra/alarms.ts filters on it).
 */
export const metrics = new Metrics({
  namespace: "orders",
  serviceName: "orders",
  defaultDimensions: { stage: stageName() },
});

const METRIC_BY_STATUS: Record<OrderStatus, string> = {
  PENDING: "OrdersAccepted",
  CONFIRMED: "OrdersConfirmed",
  FAILED: "OrdersFailed",
  CANCELLING: "OrdersCancelling",
  CANCELLED: "OrdersCancelled",
  ACCEPTED: "OrdersAccepted",
  REJECTED: "OrdersRejected",
  DUPLICATE: "OrdersDuplicate",
};

/** Counts a processed submission; a redelivery was counted the first time. */
export function countProcessed(outcome: ProcessOutcome, status: OrderStatus): void {
  if (outcome !== "redelivered") metrics.addMetric(METRIC_BY_STATUS[status], MetricUnit.Count, 1);
}

export function countFailure(): void {
  metrics.addMetric("ProcessingFailures", MetricUnit.Count, 1);
}

/** Counts DLQ actions, then flushes: admin handlers emit only when they did something. */
export function countDlqActions(redriven: number, discarded: number): void {
  if (redriven > 0) metrics.addMetric("DlqRedriven", MetricUnit.Count, redriven);
  if (discarded > 0) metrics.addMetric("DlqDiscarded", MetricUnit.Count, discarded);
  if (redriven + discarded > 0) metrics.publishStoredMetrics();
}

/** The consistency audit's finding: 0 on a healthy stage; the alarm fires above 0. */
export function countInconsistencies(found: number): void {
  metrics.addMetric("InconsistenciesFound", MetricUnit.Count, found);
  metrics.publishStoredMetrics();
}

const NOTIFICATION_METRICS = {
  DELIVERED: "NotificationsDelivered",
  ALREADY_DELIVERED: "NotificationsDeduplicated",
  NO_WEBHOOK: "NotificationsWithoutWebhook",
  DEFERRED: "NotificationsDeferred",
  FAILED_ATTEMPT: "NotificationAttemptsFailed",
} as const;

/** Counts one notification outcome; the Notifier flushes once per batch. */
export function countNotifications(outcome: keyof typeof NOTIFICATION_METRICS): void {
  metrics.addMetric(NOTIFICATION_METRICS[outcome], MetricUnit.Count, 1);
}
