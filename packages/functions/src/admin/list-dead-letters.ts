import { DeadLetterQuerySchema, parseOrThrow } from "@orders/core/domain/admin";
import { listDeadLetters } from "@orders/core/use-cases/dlq/list-dead-letters";
import { deadLetterQueue } from "../composition/queues.ts";
import { accountLedger, failureLog, orderRepository, stockLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = {
  deadLetters: deadLetterQueue(),
  failures: failureLog(),
  repository: orderRepository(),
  stock: stockLedger(),
  accounts: accountLedger(),
};

/** GET /admin/dlq: peek at the DLQ with reasons, order records and what each part-done saga holds; `?reason=&limit=&cursor=`. */
export const handler = adminRoute({ body: false }, async (event) => {
  const query = parseOrThrow(DeadLetterQuerySchema, event.queryStringParameters ?? {}, "The query");
  return json(200, await listDeadLetters(query, deps));
});
