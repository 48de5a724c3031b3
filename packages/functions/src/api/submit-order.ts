import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { submitOrder } from "@orders/core/use-cases/submit-order";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { submissionIdempotencyStore } from "../composition/idempotency.ts";
import { logger } from "../composition/logger.ts";
import { orderQueue } from "../composition/queues.ts";
import { adminToken } from "../composition/settings.ts";
import { annotateOrder } from "../composition/tracing.ts";
import { MAX_ORDER_BODY_BYTES } from "../http/body-limits.ts";
import { authenticate, callerOf } from "../http/caller-auth.ts";
import type { SubmitAccepted } from "../http/contract.ts";
import { callerScopedKey, idempotencyKeyOf, onceForKey } from "../http/idempotency-key.ts";
import { httpErrors, jsonBody } from "../http/middleware.ts";
import { type HttpResponse, json } from "../http/responses.ts";

/** The largest order body accepted, in bytes. */
export const MAX_BODY_BYTES = MAX_ORDER_BODY_BYTES;

const deps = { queue: orderQueue() };

/**
 * POST /orders: queue an order and answer 202 once SQS has it. A customer
 * pays from its own account only (403 otherwise, nothing queued). With an
 * Idempotency-Key, a repeat of the same request by the same caller gets the
 * first answer again; another caller's key of the same text is another key.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors({ logger }))
  .use(authenticate({ access: "caller", token: adminToken }))
  .use(jsonBody({ maxBytes: MAX_BODY_BYTES }))
  .handler(async (event, context) => {
    const caller = callerOf(event);
    const request = { body: event.body, channelHeader: event.headers?.["x-channel"] };
    const key = idempotencyKeyOf(event.headers);
    const submit = (): Promise<SubmitAccepted> => submitOrder({ ...request, caller }, deps);
    const { result: accepted, replayed } = key
      ? await onceForKey(callerScopedKey(caller, key), request, context, submissionIdempotencyStore(), submit)
      : { result: await submit(), replayed: false };
    annotateOrder(accepted.id);
    logger.info(replayed ? "order replayed" : "order queued", {
      orderId: accepted.id,
      submissionId: accepted.submissionId,
    });
    return json(202, accepted, {
      location: `/orders/${encodeURIComponent(accepted.id)}`,
      ...(replayed ? { "idempotent-replayed": "true" } : {}),
    });
  });
