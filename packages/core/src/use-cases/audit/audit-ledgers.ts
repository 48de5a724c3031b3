import { depositCents, ledgerHeldCents, ledgerTotalCents } from "../../domain/consistency.ts";
import {
  isBalanced,
  isRunning,
  judgeLegs,
  type LegsOrder,
  type TransferLegs,
  transferLegs,
} from "../../domain/transfer-legs.ts";
import type { AccountLedger, Clock, OrderRepository, ReportArchive, StockLedger } from "../../ports.ts";

/**
 * One inconsistency, named so that an operator can go straight to it: a sku
 * (`stock`), an account (`account`), an order whose payment legs disagree
 * (`order`), or the money of all accounts (`money`).
 */
export interface Inconsistency {
  kind: "stock" | "account" | "order" | "money";
  id: string;
  /** For `order`: the transfer whose legs disagree, so that the next audit judges it again. */
  transferId?: string;
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
  /**
   * Ledger entries archived before this time were read as their accounts'
   * sums, not one by one (absent: every entry was read). See `auditSince`.
   */
  since?: string;
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

/** What the audit reads of an order: enough to judge its transfers, and where their legs are. */
type AuditedOrder = LegsOrder & { fromAccount?: string | undefined; toAccount?: string | undefined };

/** Orders' statuses, arrival times and accounts, each read at most once per audit; an id with no order reads as undefined. */
function orderReader(orders: AuditDeps["orders"]) {
  const known = new Map<string, Promise<AuditedOrder | undefined>>();
  return (orderId: string) => {
    let order = known.get(orderId);
    if (!order) {
      order = orders.findHistory(orderId).then((history) => history?.original);
      known.set(orderId, order);
    }
    return order;
  };
}

/** An hour, on top of the saga timeout, between one audit's reading and the next's: for clocks and late archiving. */
const SINCE_MARGIN_MS = 60 * 60_000;

/** What the last audit left: from when this one reads archived entries, and the transfers it named. */
interface Previous {
  since?: string;
  named: { transferId: string; orderId?: string }[];
}

/**
 * From when this audit reads archived entries one by one: the last audit's
 * time, less the saga timeout and an hour; all of them when none ran. An
 * entry is dated when its transfer began, and archived only once settled. A
 * transfer that was in flight at the last audit began less than a saga
 * timeout before it, so it is read again now; so one whose legs disagree is
 * named by the first audit after its saga timed out. The transfers the last
 * audit named are judged again, by key, so that a finding stays in every
 * report until it is put right, however old its entries.
 */
async function previousAudit(deps: AuditDeps): Promise<Previous> {
  const pointer = await deps.reports.read(LATEST_REPORT_KEY);
  if (pointer === undefined) return { named: [] };
  const { at, key } = JSON.parse(pointer) as LatestReportPointer;
  const stored = await deps.reports.read(key);
  const report = stored === undefined ? undefined : (JSON.parse(stored) as Partial<ConsistencyReport>);
  const named = (report?.inconsistencies ?? []).flatMap((found) =>
    found.kind === "order" && found.transferId ? [{ transferId: found.transferId, orderId: found.id }] : [],
  );
  const since = new Date(Date.parse(at) - deps.sagaTimeoutMinutes * 60_000 - SINCE_MARGIN_MS).toISOString();
  return { since, named };
}

/**
 * A leg archived before `since` was not read: before judging a transfer whose
 * legs seem to disagree, its missing leg is read by key from its order's accounts.
 */
async function completeLegs(legs: TransferLegs, order: AuditedOrder | undefined, accounts: AccountLedger) {
  for (const accountId of [order?.fromAccount, order?.toAccount]) {
    if (!accountId || legs.debit?.accountId === accountId || legs.credit?.accountId === accountId) continue;
    const entry = await accounts.transfer(accountId, legs.transferId);
    if (entry?.kind === "DEBIT" && !legs.debit) {
      legs.debit = { accountId, amountCents: entry.amountCents, status: entry.status };
    }
    if (entry?.kind === "CREDIT" && !legs.credit) legs.credit = { accountId, amountCents: entry.amountCents };
  }
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
 *
 * Its reads do not grow with history: stock and account items (each under
 * 1 KB, one per sku and account), each account's ledger entries archived
 * since the last audit (`previousAudit`, through the `byAccount` index), and
 * for the entries archived before, the sums their account's item keeps,
 * moved by the same write that removed them.
 */
export async function auditLedgers(deps: AuditDeps): Promise<ConsistencyReport> {
  const now = deps.clock?.now() ?? new Date();
  const at = now.toISOString();
  const stuckBefore = new Date(now.getTime() - deps.sagaTimeoutMinutes * 60_000).toISOString();
  const { since, named } = await previousAudit(deps);
  const [skus, accounts] = await Promise.all([deps.stock.all(), deps.accounts.auditView(since)]);
  const orderOf = orderReader(deps.orders);
  const statusOf = async (orderId: string) => (await orderOf(orderId))?.status;
  const inconsistencies: Inconsistency[] = [];
  const flag = (kind: Inconsistency["kind"], id: string, check: string, expected: number, actual: number) => {
    if (expected !== actual) inconsistencies.push({ kind, id, check, expected, actual });
  };
  const read = accounts.map((account) => ({
    accountId: account.accountId,
    entries: [...account.current, ...account.recent],
  }));
  // Every order a ledger names, by the key its reservations are kept under; and, only if some reservation's
  // order is named by no ledger (reserved, not yet held), the orders still PENDING.
  const orderIds = new Set(read.flatMap((account) => account.entries.flatMap((e) => (e.orderId ? [e.orderId] : []))));
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
    // The entries archived out of the item count by their sums, kept in the item; held debits are never archived.
    const total = account.balanceCents + account.heldCents;
    const ledger = account.archivedNetCents + ledgerTotalCents(account.current);
    flag("account", account.accountId, "balance + held = Σ ledger", ledger, total);
    flag("account", account.accountId, "held = Σ held debits", ledgerHeldCents(account.current), account.heldCents);
    for (const entry of account.current) {
      if (entry.kind !== "DEBIT" || entry.status !== "HELD") continue;
      const status = entry.orderId ? await statusOf(entry.orderId) : undefined;
      if (isRunning(status)) continue;
      const holder = `order ${entry.orderId ?? entry.transferId}, ${status ?? "not found"}`;
      flag("account", account.accountId, `no cents held by an ended order (${holder})`, 0, entry.amountCents);
    }
    depositsCents += account.archivedDepositCents + depositCents(account.current);
    balancesAndHoldsCents += total;
  }
  let inFlightCents = 0;
  const legsById = transferLegs(read);
  // A transfer named last time whose entries were not read now: its legs are read by key below.
  const carried = new Set<string>();
  for (const { transferId, orderId } of named) {
    if (legsById.has(transferId)) continue;
    legsById.set(transferId, { transferId, orderId });
    carried.add(transferId);
  }
  for (const legs of legsById.values()) {
    // Only a transfer whose legs disagree needs its order (one read each, not one per order).
    if (isBalanced(legs) && !carried.has(legs.transferId)) continue;
    const order = legs.orderId ? await orderOf(legs.orderId) : undefined;
    await completeLegs(legs, order, deps.accounts);
    const judged = judgeLegs(legs, order, stuckBefore);
    if (judged.verdict === "IN_FLIGHT") inFlightCents += judged.cents;
    if (judged.verdict === "UNBALANCED" && judged.expected !== judged.actual) {
      inconsistencies.push({
        kind: "order",
        id: legs.orderId ?? legs.transferId,
        transferId: legs.transferId,
        check: judged.check,
        expected: judged.expected,
        actual: judged.actual,
      });
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
    ...(since ? { since } : {}),
    inconsistencies,
    key,
  };
  await deps.reports.put(key, JSON.stringify(report, null, 2));
  // The pointer goes second, so that it never names a report that is not there yet.
  const pointer: LatestReportPointer = { key, at };
  await deps.reports.put(LATEST_REPORT_KEY, JSON.stringify(pointer));
  return report;
}
