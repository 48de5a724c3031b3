import { dryRunDeadLetter } from "@orders/core/use-cases/dlq/dry-run-dead-letter";
import { deadLetterQueue } from "../composition/queues.ts";
import { orderValidator } from "../composition/settings.ts";
import { orderRepository } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = { deadLetters: deadLetterQueue(), repository: orderRepository(), validate: orderValidator() };

/** POST /admin/dlq/{id}/dry-run: what processing would do, with no side effect. */
export const handler = adminRoute({ body: false }, async (event) =>
  json(200, await dryRunDeadLetter(event.pathParameters?.id ?? "", deps)),
);
