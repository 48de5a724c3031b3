import { EditRequestSchema, parseOrThrow } from "@orders/core/domain/admin";
import { editDeadLetter } from "@orders/core/use-cases/dlq/edit-dead-letter";
import { deadLetterQueue, orderQueue } from "../composition/queues.ts";
import { orderValidator } from "../composition/settings.ts";
import { auditLog, orderRepository } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { actorOf } from "../http/caller-auth.ts";
import { json } from "../http/responses.ts";
import { countDlqActions } from "../metrics.ts";

const deps = {
  deadLetters: deadLetterQueue(),
  sender: orderQueue(),
  audit: auditLog(),
  validate: orderValidator(),
  repository: orderRepository(),
};

/**
 * POST /admin/dlq/{id}/edit `{order}`: 422 with reasons if invalid, 409 if the processor would not run the edit
 * (its order, or the edited id, is recorded already), 503 if the send or the audit failed; else it is redriven.
 */
export const handler = adminRoute({ body: true }, async (event) => {
  const { order } = parseOrThrow(EditRequestSchema, event.body, "The edit request");
  const messageId = event.pathParameters?.id ?? "";
  const result = await editDeadLetter({ messageId, order, actor: actorOf(event) }, deps);
  countDlqActions(result.status === "REDRIVEN" ? 1 : 0, 0);
  return json(200, result);
});
