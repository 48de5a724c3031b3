import { auditLedgers } from "@orders/core/use-cases/audit/audit-ledgers";
import { auditDeps } from "../composition/audit.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";
import { countInconsistencies } from "../metrics.ts";

const deps = auditDeps();

/** POST /admin/consistency-audit: the full audit now (as the hourly schedule runs it), stored and returned. */
export const handler = adminRoute({ body: false }, async () => {
  const report = await auditLedgers(deps);
  countInconsistencies(report.inconsistencies.length);
  return json(200, report);
});
