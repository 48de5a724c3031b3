import { countDeadLetters } from "@orders/core/use-cases/dlq/count-dead-letters";
import { deadLetterQueue } from "../composition/queues.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { DeadLetterDepthBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { deadLetters: deadLetterQueue() };

/** GET /admin/dlq/depth: how many messages wait in the DLQ, for operators only (the public /health does not say). */
export const handler = adminRoute({ body: false }, async () => {
  const body: DeadLetterDepthBody = await countDeadLetters(deps);
  return json(200, body);
});
