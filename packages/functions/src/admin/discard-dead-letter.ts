import { DiscardRequestSchema, parseOrThrow } from "@orders/core/domain/admin";
import { discardDeadLetter } from "@orders/core/use-cases/dlq/discard-dead-letter";
import { auditLog, deadLetterQueue } from "../composition.ts";
import { actorOf } from "../http/admin-auth.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = { deadLetters: deadLetterQueue(), audit: auditLog() };

/** POST /admin/dlq/{id}/discard `{reason}`: delete, keeping the body in the audit. */
export const handler = adminRoute({ body: true }, async (event) => {
  const { reason } = parseOrThrow(DiscardRequestSchema, event.body, "The discard request");
  const messageId = event.pathParameters?.id ?? "";
  return json(200, await discardDeadLetter({ messageId, reason, actor: actorOf(event) }, deps));
});
