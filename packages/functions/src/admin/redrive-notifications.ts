import { parseOrThrow, RedriveRequestSchema } from "@orders/core/domain/admin";
import { redriveNotifications } from "@orders/core/use-cases/notify/redrive-notifications";
import { logger } from "../composition/logger.ts";
import { notificationDeadLetters, notificationQueue } from "../composition/queues.ts";
import { auditLog } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { actorOf } from "../http/caller-auth.ts";
import { json } from "../http/responses.ts";

const deps = { deadLetters: notificationDeadLetters(), sender: notificationQueue(), audit: auditLog() };

/** POST /admin/notifications-dlq/redrive `{ids?, all?, maxPerSecond?, limit?}`: each event sent back to NotificationsQueue, then deleted. */
export const handler = adminRoute({ body: true }, async (event) => {
  const request = parseOrThrow(RedriveRequestSchema, event.body, "The redrive request");
  const results = await redriveNotifications({ ...request, actor: actorOf(event) }, deps);
  logger.info("notifications redriven", { results });
  return json(200, { results });
});
