import { readOrderTrace } from "@orders/core/use-cases/trace/read-order-trace";
import { traceReader } from "../composition/traces.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";

const deps = { traces: traceReader() };

/** GET /admin/orders/{id}/trace: the order's spans from POST /orders to its webhook, as a waterfall. */
export const handler = adminRoute({ body: false }, async (event) =>
  json(200, await readOrderTrace(event.pathParameters?.id ?? "", deps)),
);
