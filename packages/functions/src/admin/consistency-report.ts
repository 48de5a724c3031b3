import { getLatestReport } from "@orders/core/use-cases/audit/get-latest-report";
import { orderArchive } from "../composition/bucket.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { ConsistencyReportBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { reports: orderArchive() };

/** GET /admin/consistency-audit: the latest stored consistency report; 404 REPORT_NOT_FOUND before the first audit. */
export const handler = adminRoute({ body: false }, async () => {
  const report: ConsistencyReportBody = await getLatestReport(deps);
  return json(200, report);
});
