import { ReportNotFoundError } from "@orders/core/domain/errors";
import { auditLedgers, LATEST_REPORT_KEY } from "@orders/core/use-cases/audit/audit-ledgers";
import { getLatestReport } from "@orders/core/use-cases/audit/get-latest-report";
import { describe, expect, it } from "vitest";
import { InMemoryOrderArchive, InMemoryOrderRepository } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger, InMemoryStockLedger } from "../../helpers/ledger-fakes.ts";

function deps() {
  return {
    stock: new InMemoryStockLedger().stock("KB-01", 5),
    accounts: new InMemoryAccountLedger().fund("1111111", 0),
    orders: new InMemoryOrderRepository(),
    reports: new InMemoryOrderArchive(),
    sagaTimeoutMinutes: 15,
  };
}
const at = (iso: string) => ({ now: () => new Date(iso) });

describe("the latest consistency report", () => {
  it("is recorded by each audit: the report first, then the pointer to it", async () => {
    // Arrange
    const audit = deps();
    const order: string[] = [];
    const put = audit.reports.put.bind(audit.reports);
    audit.reports.put = async (key, json) => {
      order.push(key);
      await put(key, json);
    };
    // Act
    const report = await auditLedgers({ ...audit, clock: at("2026-12-02T01:00:00.000Z") });
    // Assert
    expect(order).toEqual([report.key, LATEST_REPORT_KEY]);
    expect(JSON.parse(audit.reports.objects.get(LATEST_REPORT_KEY) ?? "null")).toEqual({
      key: "reports/consistency/2026-12-02T01-00-00.000Z.json",
      at: "2026-12-02T01:00:00.000Z",
    });
  });

  it("reads back the last run's report, parsed, with its key", async () => {
    // Arrange: two runs, an hour apart.
    const audit = deps();
    await auditLedgers({ ...audit, clock: at("2026-12-02T01:00:00.000Z") });
    const last = await auditLedgers({ ...audit, clock: at("2026-12-02T02:00:00.000Z") });
    // Act
    const latest = await getLatestReport({ reports: audit.reports });
    // Assert
    expect(latest).toEqual(last);
    expect(latest).toMatchObject({ at: "2026-12-02T02:00:00.000Z", skus: 1, accounts: 1, inconsistencies: [] });
    expect(latest.key).toBe("reports/consistency/2026-12-02T02-00-00.000Z.json");
  });

  it("is REPORT_NOT_FOUND before the first audit", async () => {
    // Arrange
    const reports = new InMemoryOrderArchive();
    // Act
    const reading = getLatestReport({ reports });
    // Assert
    await expect(reading).rejects.toBeInstanceOf(ReportNotFoundError);
    await expect(reading).rejects.toMatchObject({ code: "REPORT_NOT_FOUND" });
  });

  it("is REPORT_NOT_FOUND when the report the pointer names is gone", async () => {
    // Arrange
    const audit = deps();
    const report = await auditLedgers(audit);
    audit.reports.objects.delete(report.key);
    // Act + Assert
    await expect(getLatestReport({ reports: audit.reports })).rejects.toBeInstanceOf(ReportNotFoundError);
  });
});
