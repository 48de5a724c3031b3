import { ReportNotFoundError } from "../../domain/errors.ts";
import type { ReportArchive } from "../../ports.ts";
import { type ConsistencyReport, LATEST_REPORT_KEY, type LatestReportPointer } from "./audit-ledgers.ts";

export interface LatestReportDeps {
  reports: ReportArchive;
}

/**
 * The latest consistency report, as its run stored it, with the key it is
 * stored under. Throws `ReportNotFoundError` when no audit has run yet (or
 * the report the pointer names is gone).
 */
export async function getLatestReport(deps: LatestReportDeps): Promise<ConsistencyReport> {
  const pointer = await deps.reports.read(LATEST_REPORT_KEY);
  if (pointer === undefined) throw new ReportNotFoundError("No consistency audit has run yet");
  const { key } = JSON.parse(pointer) as LatestReportPointer;
  const stored = await deps.reports.read(key);
  if (stored === undefined) throw new ReportNotFoundError(`The latest report (${key}) is gone`);
  return { ...(JSON.parse(stored) as ConsistencyReport), key };
}
