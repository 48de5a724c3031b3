import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { checkHealth } from "@orders/core/use-cases/check-health";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { orderArchive } from "../composition/bucket.ts";
import { logger } from "../composition/logger.ts";
import { deadLetterQueue, orderQueue } from "../composition/queues.ts";
import { orderRepository } from "../composition/table.ts";
import type { HealthBody } from "../http/contract.ts";
import { httpErrors } from "../http/middleware.ts";
import { type HttpResponse, json } from "../http/responses.ts";

const deps = {
  repository: orderRepository(),
  archive: orderArchive(),
  queue: orderQueue(),
  deadLetters: deadLetterQueue(),
};

/** GET /health: 200 when every dependency answers, else 503 naming the failures. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrors({ logger }))
  .handler(async () => {
    const report: HealthBody = await checkHealth(deps);
    if (report.status !== "ok") logger.warn("health check failed", { failing: report.failing });
    return json(report.status === "ok" ? 200 : 503, report);
  });
