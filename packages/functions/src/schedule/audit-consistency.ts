import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { auditLedgers } from "@orders/core/use-cases/audit/audit-ledgers";
import { auditDeps } from "../composition/audit.ts";
import { logger } from "../composition/logger.ts";
import { countInconsistencies } from "../metrics.ts";
import type { ScheduleRun } from "./schedule-run.ts";

const deps = auditDeps();

/** ConsistencyAudit, hourly: audits stock and ledgers, stores the report, publishes InconsistenciesFound. */
export const handler = middy<ScheduleRun, { inconsistencies: number; key: string }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const report = await auditLedgers(deps);
    countInconsistencies(report.inconsistencies.length);
    if (report.inconsistencies.length > 0) {
      logger.error("inconsistencies found", { key: report.key, inconsistencies: report.inconsistencies });
    }
    return { inconsistencies: report.inconsistencies.length, key: report.key };
  });
