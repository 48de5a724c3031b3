import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { logger } from "../composition/logger.ts";
import { adminToken } from "../composition/settings.ts";
import { MAX_ADMIN_BODY_BYTES } from "./body-limits.ts";
import { authenticate, type CallerAccess } from "./caller-auth.ts";
import { httpErrors, jsonBody } from "./middleware.ts";
import type { HttpResponse } from "./responses.ts";

/**
 * An admin route: logged, authenticated, errors mapped, and a JSON body when
 * it takes one. Operators only, unless `access` lets any caller in (the
 * handler then decides what each may see).
 */
export function adminRoute(
  options: { body: boolean; access?: CallerAccess },
  handler: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>,
) {
  const route = middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrors({ logger }))
    .use(authenticate({ access: options.access ?? "operator", token: adminToken }));
  if (options.body) route.use(jsonBody({ maxBytes: MAX_ADMIN_BODY_BYTES }));
  return route.handler(handler);
}
