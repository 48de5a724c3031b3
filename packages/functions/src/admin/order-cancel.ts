import { requestCancellation } from "@orders/core/use-cases/cancel/request-cancellation";
import { orderQueue } from "../composition/queues.ts";
import { orderRepository } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = { repository: orderRepository(), cancellations: orderQueue() };

/**
 * POST /orders/{id}/cancel `{reason}`: 202 when this request started the
 * cancellation (CANCELLING, or CANCELLED if the processor finished it first),
 * 200 with the state when one was already under way or done,
 * 409 for an order that ended otherwise.
 */
export const handler = adminRoute({ body: true }, async (event) => {
  const { id, status, started } = await requestCancellation(event.pathParameters?.id ?? "", event.body, deps);
  return json(started ? 202 : 200, { id, status }, { location: `/orders/${encodeURIComponent(id)}` });
});
