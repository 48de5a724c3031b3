import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { OrderRecord } from "@orders/core/domain/order";
import { getOrder } from "@orders/core/use-cases/get-order";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { orderArchive } from "../composition/bucket.ts";
import { logger } from "../composition/logger.ts";
import { orderRepository } from "../composition/table.ts";
import type { OrderLookupBody, OrderView } from "../http/contract.ts";
import { httpErrors } from "../http/middleware.ts";
import { type HttpResponse, json } from "../http/responses.ts";

const deps = { repository: orderRepository(), archive: orderArchive() };

function orderView(record: OrderRecord): OrderView {
  const sent = JSON.parse(record.payload) as Record<string, unknown>;
  return {
    id: record.orderId,
    submissionId: record.submissionId,
    channel: record.channel,
    amount: sent.amount,
    fromAccount: sent.fromAccount,
    toAccount: sent.toAccount,
    status: record.status,
    valid: record.valid,
    isDuplicate: record.isDuplicate,
    errors: record.errors,
    ...(record.s3Key ? { s3Key: record.s3Key } : {}),
    receivedAt: record.receivedAt,
    processedAt: record.processedAt,
  };
}

/** GET /orders/{id}: the original record, its duplicates and a download link. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors({ logger }))
  .handler(async (event) => {
    const lookup = await getOrder(event.pathParameters?.id ?? "", deps);
    const body: OrderLookupBody = {
      order: orderView(lookup.original),
      duplicates: lookup.duplicates.map((duplicate) => ({
        submissionId: duplicate.submissionId,
        receivedAt: duplicate.receivedAt,
        sameAsOriginal: duplicate.sameAsOriginal ?? false,
        valid: duplicate.valid,
      })),
      ...(lookup.jsonUrl ? { jsonUrl: lookup.jsonUrl } : {}),
    };
    return json(200, body);
  });
