import { ledgerHeldCents, ledgerTotalCents } from "../../domain/consistency.ts";
import type { AccountLedger, Clock, ReportArchive, StockLedger } from "../../ports.ts";

/** One inconsistency, named so that an operator can go straight to it. */
export interface Inconsistency {
  kind: "stock" | "account" | "money";
  id: string;
  check: string;
  expected: number;
  actual: number;
}

export interface ConsistencyReport {
  at: string;
  skus: number;
  accounts: number;
  /** Σ deposits, and Σ balance + held over every account, in cents: equal at rest. */
  money: { depositsCents: number; balancesAndHoldsCents: number };
  inconsistencies: Inconsistency[];
  /** Where the report was stored. */
  key: string;
}

/** Where the latest report's pointer is kept: a fixed key, so one GET finds it. */
export const LATEST_REPORT_KEY = "reports/consistency/latest.json";

/** The pointer at `LATEST_REPORT_KEY`: which report the latest run stored, and when it ran. */
export interface LatestReportPointer {
  key: string;
  at: string;
}

export interface AuditDeps {
  stock: StockLedger;
  accounts: AccountLedger;
  reports: ReportArchive;
  clock?: Clock;
}

/**
 * The full audit: for every sku, `reserved` = Σ its HELD reservations,
 * `available` = onHand − reserved and onHand ≥ 0; for every account, balance
 * + held = Σ its ledger and held = Σ its HELD debits; and across all
 * accounts, balances plus holds = deposits. The report is stored under
 * `reports/consistency/<time>.json`, then the pointer at `LATEST_REPORT_KEY`
 * is moved to it. Money in flight between the two legs of a running order
 * (posted, not yet credited) shows as a `money` difference until that order
 * ends; the audit says so rather than hide it.
 */
export async function auditLedgers(deps: AuditDeps): Promise<ConsistencyReport> {
  const at = (deps.clock?.now() ?? new Date()).toISOString();
  const [skus, accounts] = await Promise.all([deps.stock.all(), deps.accounts.all()]);
  const inconsistencies: Inconsistency[] = [];
  const flag = (kind: Inconsistency["kind"], id: string, check: string, expected: number, actual: number) => {
    if (expected !== actual) inconsistencies.push({ kind, id, check, expected, actual });
  };
  for (const sku of skus) {
    flag("stock", sku.sku, "reserved = Σ held reservations", sku.heldUnits, sku.reserved);
    flag("stock", sku.sku, "available = onHand − reserved", sku.onHand - sku.reserved, sku.available);
    if (sku.onHand < 0) flag("stock", sku.sku, "onHand ≥ 0", 0, sku.onHand);
  }
  let depositsCents = 0;
  let balancesAndHoldsCents = 0;
  for (const account of accounts) {
    const total = account.balanceCents + account.heldCents;
    flag("account", account.accountId, "balance + held = Σ ledger", ledgerTotalCents(account.entries), total);
    flag("account", account.accountId, "held = Σ held debits", ledgerHeldCents(account.entries), account.heldCents);
    depositsCents += account.entries.filter((e) => e.kind === "DEPOSIT").reduce((sum, e) => sum + e.amountCents, 0);
    balancesAndHoldsCents += total;
  }
  flag("money", "all accounts", "Σ balance + held = Σ deposits", depositsCents, balancesAndHoldsCents);
  const key = `reports/consistency/${at.replaceAll(":", "-")}.json`;
  const report: ConsistencyReport = {
    at,
    skus: skus.length,
    accounts: accounts.length,
    money: { depositsCents, balancesAndHoldsCents },
    inconsistencies,
    key,
  };
  await deps.reports.put(key, JSON.stringify(report, null, 2));
  // The pointer goes second, so that it never names a report that is not there yet.
  const pointer: LatestReportPointer = { key, at };
  await deps.reports.put(LATEST_REPORT_KEY, JSON.stringify(pointer));
  return report;
}
