import { DiscardRequestSchema, parseOrThrow } from "@orders/core/domain/admin";
import { discardDeadLetter } from "@orders/core/use-cases/dlq/discard-dead-letter";
import { deadLetterQueue } from "../composition/queues.ts";
import { accountLedger, auditLog, orderRepository, stockLedger } from "../composition/table.ts";
import { orderEvents } from "../composition/topic.ts";
import { adminRoute } from "../http/admin-route.ts";
import { actorOf } from "../http/caller-auth.ts";
import { json } from "../http/responses.ts";
import { countDlqActions } from "../metrics.ts";

const deps = {
  deadLetters: deadLetterQueue(),
  audit: auditLog(),
  repository: orderRepository(),
  stock: stockLedger(),
  accounts: accountLedger(),
  events: orderEvents(),
};

/** POST /admin/dlq/{id}/discard `{reason}`: compensate a part-done saga, then delete, keeping the body in the audit. */
export const handler = adminRoute({ body: true }, async (event) => {
  const { reason } = parseOrThrow(DiscardRequestSchema, event.body, "The discard request");
  const messageId = event.pathParameters?.id ?? "";
  const result = await discardDeadLetter({ messageId, reason, actor: actorOf(event) }, deps);
  countDlqActions(0, 1);
  return json(200, result);
});
