import { OrderIdSchema } from "@orders/core/domain/order";
import { MAX_TRACE_SPANS } from "@orders/core/domain/trace";
import { TRACE_WINDOW_HOURS } from "@orders/core/use-cases/trace/read-order-trace";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { pathParameter } from "./schemas.ts";

/** An order's trace, for operators. */
export const tracePaths = {
  "/admin/orders/{id}/trace": {
    get: operation({
      operationId: "getOrderTrace",
      summary:
        "Read an order's trace: its spans from POST /orders through the queue, the saga, the topic and the Notifier to the webhook",
      access: "operator",
      parameters: [pathParameter("id", OrderIdSchema)],
      dependency: "X-Ray (deployed) or the local runtime's span store",
      responses: {
        "200": answer(
          `{orderId, traceIds, startedAt, durationMs, spans: [{traceId, name, kind, function, startedAt, offsetMs, durationMs, status, error}], truncated}: at most ${MAX_TRACE_SPANS} spans`,
          "object",
        ),
        "400": error("Malformed id"),
        "404": error(`TRACE_NOT_FOUND: nothing recorded the order in the last ${TRACE_WINDOW_HOURS} hours`),
      },
    }),
  },
};
