import { NotificationDeadLetterQuerySchema, parseOrThrow } from "@orders/core/domain/admin";
import { listNotificationDeadLetters } from "@orders/core/use-cases/notify/list-notification-dead-letters";
import { failureLog } from "../composition/failure-log.ts";
import { notificationDeadLetters } from "../composition/queues.ts";
import { notificationRecords } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { NotificationDeadLetterPageBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { deadLetters: notificationDeadLetters(), notifications: notificationRecords(), failures: failureLog() };

/** GET /admin/notifications-dlq `?limit=&cursor=`: the order events waiting in NotificationsDlq, each with its delivery's tries and last error. */
export const handler = adminRoute({ body: false }, async (event) => {
  const query = parseOrThrow(NotificationDeadLetterQuerySchema, event.queryStringParameters ?? {}, "The query");
  const body: NotificationDeadLetterPageBody = await listNotificationDeadLetters(query, deps);
  return json(200, body);
});
