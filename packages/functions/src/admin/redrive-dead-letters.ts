import { parseOrThrow, RedriveRequestSchema } from "@orders/core/domain/admin";
import { redriveDeadLetters } from "@orders/core/use-cases/dlq/redrive-dead-letters";
import { logger } from "../composition/logger.ts";
import { deadLetterQueue, orderQueue } from "../composition/queues.ts";
import { auditLog } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { actorOf } from "../http/caller-auth.ts";
import { json } from "../http/responses.ts";
import { countDlqActions } from "../metrics.ts";

const deps = { deadLetters: deadLetterQueue(), sender: orderQueue(), audit: auditLog() };

/** POST /admin/dlq/redrive `{ids?, all?, maxPerSecond?, limit?}`: send back, then delete; result per message. */
export const handler = adminRoute({ body: true }, async (event) => {
  const request = parseOrThrow(RedriveRequestSchema, event.body, "The redrive request");
  const results = await redriveDeadLetters({ ...request, actor: actorOf(event) }, deps);
  logger.info("dead letters redriven", { results });
  countDlqActions(results.filter((result) => result.status === "REDRIVEN").length, 0);
  return json(200, { results });
});
