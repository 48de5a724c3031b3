import { ledgerHeldCents, ledgerTotalCents } from "../../domain/consistency.ts";
import { isBalanced, isRunning, judgeLegs, type LegsOrder, transferLegs } from "../../domain/transfer-legs.ts";
import type { AccountLedger, Clock, OrderRepository, ReportArchive, StockLedger } from "../../ports.ts";

/**
 * One inconsistency, named so that an operator can go straight to it: a sku
 * (`stock`), an account (`account`), an order whose payment legs disagree
 * (`order`), or the money of all accounts (`money`).
 */
export interface Inconsistency {
  kind: "stock" | "account" | "order" | "money";
  id: string;
  check: string;
  expected: number;
  actual: number;
}

export interface ConsistencyReport {
  at: string;
  skus: number;
  accounts: number;
  /**
   * Σ deposits, Σ balance + held over every account, and the cents in
   * flight (posted by a running order, not yet credited), in cents:
   * balances and holds + in flight = deposits.
   */
  money: { depositsCents: number; balancesAndHoldsCents: number; inFlightCents: number };
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
  /** To tell running orders, which may hold and be in flight, from ended ones, which may not. */
  orders: Pick<OrderRepository, "findHistory" | "findPending">;
  reports: ReportArchive;
  /** The saga timeout: an order running longer whose payment waits for its credit is named, not in flight. */
  sagaTimeoutMinutes: number;
  clock?: Clock;
}

/** How many PENDING orders, per sweep shard, the audit reads to name the holders of reservations. */
const PENDING_PER_SHARD = 1000;

/** Orders' statuses and arrival times, each read at most once per audit; an id with no order reads as undefined. */
function orderReader(orders: AuditDeps["orders"]) {
  const known = new Map<string, Promise<LegsOrder | undefined>>();
  return (orderId: string) => {
    let order = known.get(orderId);
    if (!order) {
      order = orders.findHistory(orderId).then((history) => history?.original);
      known.set(orderId, order);
    }
    return order;
  };
}

/**
 * The full audit. For every sku: `reserved` = Σ its HELD reservations,
 * `available` = onHand − reserved, onHand ≥ 0, and no HELD reservation
 * belongs to an order that has ended. For every account: balance + held = Σ
 * its ledger, held = Σ its HELD debits, and no HELD debit belongs to an
 * ended order. For every transfer between two accounts: the payer's posted
 * debit equals the payee's credit, unless its order is still running and
 * younger than the saga timeout (money in flight, counted apart). Across all
 * accounts: balances + holds + in flight = deposits. Each finding names its
 * sku, account or order. The report is stored under
 * `reports/consistency/<time>.json`, then the pointer at `LATEST_REPORT_KEY`
 * is moved to it.
 */
export async function auditLedgers(deps: AuditDeps): Promise<ConsistencyReport> {
  const now = deps.clock?.now() ?? new Date();
  const at = now.toISOString();
  const stuckBefore = new Date(now.getTime() - deps.sagaTimeoutMinutes * 60_000).toISOString();
  const [skus, accounts] = await Promise.all([deps.stock.all(), deps.accounts.all()]);
  const orderOf = orderReader(deps.orders);
  const statusOf = async (orderId: string) => (await orderOf(orderId))?.status;
  const inconsistencies: Inconsistency[] = [];
  const flag = (kind: Inconsistency["kind"], id: string, check: string, expected: number, actual: number) => {
    if (expected !== actual) inconsistencies.push({ kind, id, check, expected, actual });
  };
  // Every order a ledger names, by the key its reservations are kept under; and, only if some reservation's
  // order is named by no ledger (reserved, not yet held), the orders still PENDING.
  const orderIds = new Set(
    accounts.flatMap((account) => account.entries.flatMap((e) => (e.orderId ? [e.orderId] : []))),
  );
  const namedKeys = new Set([...orderIds].map((orderId) => deps.stock.reservationKey(orderId)));
  const unnamed = skus.some((sku) => sku.held.some((hold) => !namedKeys.has(hold.key)));
  if (unnamed) {
    for (const order of await deps.orders.findPending(at, PENDING_PER_SHARD)) orderIds.add(order.orderId);
  }
  const byReservationKey = new Map([...orderIds].map((orderId) => [deps.stock.reservationKey(orderId), orderId]));

  for (const sku of skus) {
    flag("stock", sku.sku, "reserved = Σ held reservations", sku.heldUnits, sku.reserved);
    flag("stock", sku.sku, "available = onHand − reserved", sku.onHand - sku.reserved, sku.available);
    if (sku.onHand < 0) flag("stock", sku.sku, "onHand ≥ 0", 0, sku.onHand);
    for (const hold of sku.held) {
      const orderId = byReservationKey.get(hold.key);
      const status = orderId ? await statusOf(orderId) : undefined;
      if (isRunning(status)) continue;
      const holder = orderId
        ? `order ${orderId}, ${status ?? "not found"}`
        : `reservation ${hold.key}, no running order`;
      flag("stock", sku.sku, `no units held by an ended order (${holder})`, 0, hold.quantity);
    }
  }
  let depositsCents = 0;
  let balancesAndHoldsCents = 0;
  for (const account of accounts) {
    const total = account.balanceCents + account.heldCents;
    flag("account", account.accountId, "balance + held = Σ ledger", ledgerTotalCents(account.entries), total);
    flag("account", account.accountId, "held = Σ held debits", ledgerHeldCents(account.entries), account.heldCents);
    for (const entry of account.entries) {
      if (entry.kind !== "DEBIT" || entry.status !== "HELD") continue;
      const status = entry.orderId ? await statusOf(entry.orderId) : undefined;
      if (isRunning(status)) continue;
      const holder = `order ${entry.orderId ?? entry.transferId}, ${status ?? "not found"}`;
      flag("account", account.accountId, `no cents held by an ended order (${holder})`, 0, entry.amountCents);
    }
    depositsCents += account.entries.filter((e) => e.kind === "DEPOSIT").reduce((sum, e) => sum + e.amountCents, 0);
    balancesAndHoldsCents += total;
  }
  let inFlightCents = 0;
  for (const legs of transferLegs(accounts).values()) {
    // Only a transfer whose legs disagree needs its order's status (one read each, not one per order).
    if (isBalanced(legs)) continue;
    const judged = judgeLegs(legs, legs.orderId ? await orderOf(legs.orderId) : undefined, stuckBefore);
    if (judged.verdict === "IN_FLIGHT") inFlightCents += judged.cents;
    if (judged.verdict === "UNBALANCED") {
      flag("order", legs.orderId ?? legs.transferId, judged.check, judged.expected, judged.actual);
    }
  }
  flag(
    "money",
    "all accounts",
    "Σ balance + held + in flight = Σ deposits",
    depositsCents,
    balancesAndHoldsCents + inFlightCents,
  );
  const key = `reports/consistency/${at.replaceAll(":", "-")}.json`;
  const report: ConsistencyReport = {
    at,
    skus: skus.length,
    accounts: accounts.length,
    money: { depositsCents, balancesAndHoldsCents, inFlightCents },
    inconsistencies,
    key,
  };
  await deps.reports.put(key, JSON.stringify(report, null, 2));
  // The pointer goes second, so that it never names a report that is not there yet.
  const pointer: LatestReportPointer = { key, at };
  await deps.reports.put(LATEST_REPORT_KEY, JSON.stringify(pointer));
  return report;
}
