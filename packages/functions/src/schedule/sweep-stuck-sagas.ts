import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { sweepStuckSagas } from "@orders/core/use-cases/sweep-stuck-sagas";
import { logger } from "../composition/logger.ts";
import { sagaTimeoutMinutes } from "../composition/settings.ts";
import { accountLedger, orderRepository, stockLedger } from "../composition/table.ts";
import { orderEvents } from "../composition/topic.ts";
import type { ScheduleRun } from "./schedule-run.ts";

const deps = { repository: orderRepository(), stock: stockLedger(), accounts: accountLedger(), events: orderEvents() };

/** Orders one sweep ends at most; the next sweep, a minute later, takes the rest. */
const SWEEP_LIMIT = 200;

/**
 * SagaSweeper: compensates every saga still PENDING after the timeout
 * (`OrdersConfig.sagaTimeoutMinutes`). One order's error does not stop the
 * sweep; it stays PENDING and the next sweep tries it again.
 */
export const handler = middy<ScheduleRun, { swept: number; confirmed: number; failed: number; errors: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const result = await sweepStuckSagas(deps, {
      timeoutMinutes: sagaTimeoutMinutes(),
      limit: SWEEP_LIMIT,
    });
    for (const { orderId, error } of result.errors) logger.error("could not end a stuck saga", { orderId, error });
    if (result.swept > 0) logger.info("stuck sagas ended", { ...result, errors: result.errors.length });
    return { swept: result.swept, confirmed: result.confirmed, failed: result.failed, errors: result.errors.length };
  });
