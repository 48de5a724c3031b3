import { readMetricsOverview } from "@orders/core/use-cases/read-metrics-overview";
import { deadLetterQueueNames, metricsSource } from "../composition/metrics-source.ts";
import { deadLetterQueue, notificationDeadLetters } from "../composition/queues.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

/** GET /admin/metrics?minutes=60: the console's overview, a value a minute, from CloudWatch (and the DLQs' depth now). */
export const handler = adminRoute({ body: false }, async (event) => {
  const deps = {
    metrics: metricsSource(),
    queueNames: deadLetterQueueNames(),
    queues: { OrdersDlq: deadLetterQueue(), NotificationsDlq: notificationDeadLetters() },
  };
  return json(200, await readMetricsOverview(event.queryStringParameters ?? {}, deps));
});
