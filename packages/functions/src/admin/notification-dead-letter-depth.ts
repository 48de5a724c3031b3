import { countDeadLetters } from "@orders/core/use-cases/dlq/count-dead-letters";
import { notificationDeadLetters } from "../composition/queues.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { DeadLetterDepthBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { deadLetters: notificationDeadLetters() };

/** GET /admin/notifications-dlq/depth: how many order events wait in NotificationsDlq; one attribute read, no message received. */
export const handler = adminRoute({ body: false }, async () => {
  const body: DeadLetterDepthBody = await countDeadLetters(deps);
  return json(200, body);
});
