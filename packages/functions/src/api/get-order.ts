import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { getOrder } from "@orders/core/use-cases/get-order";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { orderArchive } from "../composition/bucket.ts";
import { logger } from "../composition/logger.ts";
import { orderReader } from "../composition/order-reader.ts";
import { adminToken } from "../composition/settings.ts";
import { authenticate, callerOf } from "../http/caller-auth.ts";
import { httpErrors } from "../http/middleware.ts";
import { orderLookupBody } from "../http/order-view.ts";
import { type HttpResponse, json } from "../http/responses.ts";

const deps = { repository: orderReader(), archive: orderArchive() };

/**
 * GET /orders/{id}: the original record, its duplicates, a download link, and
 * its saga's state, as much as the caller may see (domain/access.ts).
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors({ logger }))
  .use(authenticate({ access: "caller", token: adminToken }))
  .handler(async (event) =>
    json(200, orderLookupBody(await getOrder(event.pathParameters?.id ?? "", callerOf(event), deps))),
  );
