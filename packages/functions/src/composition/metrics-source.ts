import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchMetricsSource } from "@orders/core/adapters/cloudwatch-metrics-source";
import { Resource } from "sst";
import { once } from "./once.ts";
import { stageName } from "./stage.ts";
import { traced } from "./tracing.ts";

/**
 * The stage's metrics in CloudWatch: the functions' EMF counts under the
 * namespace and dimensions packages/functions/src/metrics.ts gives them.
 * Locally, AWS_ENDPOINT_URL_CLOUDWATCH points the client at the runtime,
 * which answers from its own readings.
 */
export const metricsSource = once(
  () =>
    new CloudWatchMetricsSource(traced(new CloudWatchClient({})), {
      namespace: "orders",
      dimensions: { service: "orders", stage: stageName() },
    }),
);

/** The dead-letter queues' names, as AWS/SQS metrics name them: the last part of each queue's URL. */
export const deadLetterQueueNames = once(() => ({
  OrdersDlq: queueNameOf(Resource.OrdersDlq.url),
  NotificationsDlq: queueNameOf(Resource.NotificationsDlq.url),
}));

const queueNameOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
