import { auditLedgers } from "@orders/core/use-cases/audit/audit-ledgers";
import { orderArchive } from "../composition/bucket.ts";
import { sagaTimeoutMinutes } from "../composition/settings.ts";
import { accountLedger, orderRepository, stockLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { json } from "../http/responses.ts";
import { countInconsistencies } from "../metrics.ts";

const deps = {
  stock: stockLedger(),
  accounts: accountLedger(),
  orders: orderRepository(),
  reports: orderArchive(),
  sagaTimeoutMinutes: sagaTimeoutMinutes(),
};

/** POST /admin/consistency-audit: the full audit now (as the hourly schedule runs it), stored and returned. */
export const handler = adminRoute({ body: false }, async () => {
  const report = await auditLedgers(deps);
  countInconsistencies(report.inconsistencies.length);
  return json(200, report, { "cache-control": "no-store" });
});
