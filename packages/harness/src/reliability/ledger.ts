import { randomUUID } from "node:crypto";
import type { ConsistencyReport } from "@orders/core/use-cases/audit/audit-ledgers";
import { seededRandom } from "@orders/local/faults";
import type { RunningSystem } from "../local-system.ts";
import { pool } from "../stats.ts";
import { type Accepted, ADMIN_TOKEN, json } from "./harness.ts";

/**
 * The stock and money side of a reliability scenario: skus and funded
 * accounts set up through the admin routes before any order is fired, orders
 * that carry items, and the checks that, once every order is terminal, no
 * unit was oversold, no cent created or destroyed, nothing left held, and the
 * stock and balances moved exactly as the confirmed orders say.
 */

export interface Fixture {
  skus: { sku: string; onHand: number; unitCents: number }[];
  /** Every account opened, with the cents deposited into it. */
  accounts: { accountId: string; depositCents: number }[];
  /** An account id nobody opened: orders paying it fail UNKNOWN_ACCOUNT. */
  unknownAccount: string;
}

interface StockLevel {
  onHand: number;
  reserved: number;
  available: number;
}

interface Balance {
  balanceCents: number;
  heldCents: number;
}

export interface Snapshot {
  stock: Record<string, StockLevel>;
  accounts: Record<string, Balance>;
}

/** What the saga side of a scenario came to; every figure but confirmed, failed and cancelled must be 0. */
export interface LedgerFigures {
  confirmed: number;
  failed: number;
  /** Valid originals that ended CANCELLED: no effect left, whether compensated or refunded and restocked. */
  cancelled: number;
  /** Valid originals not CONFIRMED, FAILED or CANCELLED once the scenario is over. */
  notTerminal: number;
  /** Units sold beyond what a sku had, or stock below zero or reserved above onHand at the end. */
  oversold: number;
  /** Σ (balance + held) over the scenario's accounts, after minus before, in cents. */
  moneyDelta: number;
  /** Units still reserved and cents still held once every order is terminal. */
  heldUnits: number;
  heldCents: number;
  /** Units and cents by which stock and balances differ from a replay of the confirmed orders: effects lost or doubled. */
  effectDrift: number;
  /** What the system's own consistency audit, run at the end, names: skus, accounts and orders. */
  auditFindings: number;
  /** 1 when the audit and the figures above disagree: one finds a break and the other does not. */
  auditDisagrees: number;
  /** The first few findings, for the notes. */
  auditNamed: string[];
}

/** Runs the consistency audit through the admin route, as an operator would, and lists what it names. */
export async function auditAtEnd(system: RunningSystem): Promise<{ findings: number; named: string[] }> {
  const { status, body } = await admin(system, "POST", "/admin/consistency-audit");
  if (status !== 200) throw new Error(`the consistency audit answered ${status}: ${JSON.stringify(body)}`);
  const { inconsistencies } = body as unknown as ConsistencyReport;
  return {
    findings: inconsistencies.length,
    named: inconsistencies.map((i) => `${i.kind} ${i.id}: ${i.check} (expected ${i.expected}, found ${i.actual})`),
  };
}

const digits = (random: () => number, n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");

/**
 * A fixture sized for `orders` orders: six skus, one of them hot and short
 * (so that some orders fail OUT_OF_STOCK), the rest stocked for every order;
 * payers funded for most of what they will spend, one of them poor (so that
 * some fail INSUFFICIENT_FUNDS). Ids are fresh, so that a scenario touches
 * only its own items.
 */
export function fixtureFor(orders: number, seed = 7): Fixture {
  const random = seededRandom(seed ^ Date.now());
  const tag = randomUUID().slice(0, 6).toUpperCase();
  // An order takes about 1.5 units of a given sku when it names it: keep the hot one short.
  const perSku = Math.ceil(orders * 0.6);
  const skus = [
    { sku: `HOT-${tag}`, onHand: Math.max(2, Math.floor(orders * 0.3)), unitCents: 1999 },
    { sku: `KB-${tag}`, onHand: perSku * 3, unitCents: 1000 },
    { sku: `MS-${tag}`, onHand: perSku * 3, unitCents: 580 },
    { sku: `CAB-${tag}`, onHand: perSku * 3, unitCents: 125 },
    { sku: `PEN-${tag}`, onHand: perSku * 3, unitCents: 99 },
    { sku: `GPU-${tag}`, onHand: perSku * 3, unitCents: 45050 },
  ];
  // Twelve accounts: eleven funded for about 80% of what they would pay, one nearly empty.
  const accounts = Array.from({ length: 12 }, (_, i) => ({
    accountId: `9${digits(random, 11)}`,
    depositCents: i === 11 ? 500 : Math.ceil((orders / 11) * 40_000 * 0.8) + 100_000,
  }));
  return { skus, accounts, unknownAccount: `8${digits(random, 11)}` };
}

/**
 * `count` valid orders over the fixture: a quarter pure transfers, the rest
 * with one to three lines of one to three units, `amount` = Σ quantity ×
 * unitPrice to the cent; one in fifty pays an account nobody opened.
 */
export function fixtureOrders(
  count: number,
  fixture: Fixture,
  prefix = `r-${randomUUID().slice(0, 6)}`,
  seed = 11,
): Record<string, unknown>[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const ids = fixture.accounts.map((account) => account.accountId);
  return Array.from({ length: count }, (_, i) => {
    const fromAccount = pick(ids);
    const toAccount = i % 50 === 49 ? fixture.unknownAccount : pick(ids.filter((id) => id !== fromAccount));
    const lineCount = i % 4 === 0 ? 0 : 1 + Math.floor(random() * 3);
    const skus = [...fixture.skus].sort(() => random() - 0.5).slice(0, lineCount);
    const items = skus.map(({ sku, unitCents }) => ({
      sku,
      quantity: 1 + Math.floor(random() * 3),
      unitPrice: unitCents / 100,
    }));
    const cents =
      items.length > 0
        ? items.reduce((sum, item) => sum + item.quantity * Math.round(item.unitPrice * 100), 0)
        : 100 + Math.floor(random() * 20_000);
    return {
      id: `${prefix}-${i}`,
      amount: cents / 100,
      fromAccount,
      toAccount,
      ...(items.length > 0 ? { items } : {}),
    };
  });
}

export const admin = (
  system: RunningSystem,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: Record<string, unknown> }> =>
  json(`${system.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

async function expectOk(call: Promise<{ status: number; body: unknown }>, what: string): Promise<void> {
  const { status, body } = await call;
  if (status < 200 || status > 201) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
}

/** Stocks the skus and opens and funds the accounts through the admin routes. */
export async function setUpFixture(system: RunningSystem, fixture: Fixture): Promise<void> {
  await pool(fixture.skus, 4, (sku) =>
    expectOk(admin(system, "PUT", `/inventory/${sku.sku}`, { onHand: sku.onHand }), `stock ${sku.sku}`),
  );
  await pool(fixture.accounts, 4, async ({ accountId, depositCents }) => {
    await expectOk(admin(system, "PUT", `/accounts/${accountId}`), `open ${accountId}`);
    await expectOk(
      admin(system, "POST", `/accounts/${accountId}/deposits`, {
        amount: depositCents / 100,
        reference: `reliability-${accountId}`,
      }),
      `fund ${accountId}`,
    );
  });
}

const cents = (units: unknown) => Math.round(Number(units) * 100);

/** Every sku's stock and every account's balance and holds, as the admin routes show them. */
export async function snapshot(system: RunningSystem, fixture: Fixture): Promise<Snapshot> {
  const result: Snapshot = { stock: {}, accounts: {} };
  await pool(fixture.skus, 4, async ({ sku }) => {
    const { status, body } = await admin(system, "GET", `/inventory/${sku}`);
    if (status !== 200) throw new Error(`GET /inventory/${sku} answered ${status}`);
    result.stock[sku] = {
      onHand: Number(body.onHand),
      reserved: Number(body.reserved),
      available: Number(body.available),
    };
  });
  await pool(fixture.accounts, 4, async ({ accountId }) => {
    const { status, body } = await admin(system, "GET", `/accounts/${accountId}`);
    if (status !== 200) throw new Error(`GET /accounts/${accountId} answered ${status}`);
    result.accounts[accountId] = { balanceCents: cents(body.balance), heldCents: cents(body.held) };
  });
  return result;
}

/** Units reserved and cents held right now: what sagas in flight (or interrupted) have taken. */
export function inFlight(now: Snapshot): { units: number; cents: number } {
  return {
    units: Object.values(now.stock).reduce((sum, level) => sum + level.reserved, 0),
    cents: Object.values(now.accounts).reduce((sum, account) => sum + account.heldCents, 0),
  };
}

interface OrderBody {
  order: {
    status: string;
    valid: boolean;
    amount: number;
    fromAccount: string;
    toAccount: string;
    items?: { sku: string; quantity: number; unitPrice: number }[];
  };
}

/**
 * Reads every accepted order's original and the fixture's ledgers, and sets
 * them against the snapshot taken before the orders were fired, plus the
 * cents `deposited` into each account since (an operator's top-up, say). A
 * CANCELLED order counts as having moved nothing: compensated before it was
 * paid, or refunded (payee to payer) and restocked (units back to onHand)
 * after, so a refund lost or made twice shows as drift.
 */
export async function checkLedger(
  system: RunningSystem,
  accepted: Accepted[],
  fixture: Fixture,
  before: Snapshot,
  deposited: Record<string, number> = {},
): Promise<LedgerFigures> {
  const ids = [...new Set(accepted.map((submission) => submission.id))];
  const unitsSold: Record<string, number> = {};
  const moved: Record<string, number> = {};
  let confirmed = 0;
  let failed = 0;
  let cancelled = 0;
  let notTerminal = 0;
  await pool(ids, 16, async (id) => {
    const { status, body } = await json(`${system.url}/orders/${encodeURIComponent(id)}`);
    if (status !== 200) return; // lost: counted by verify()
    const { order } = body as OrderBody;
    if (!order.valid) return;
    if (order.status === "FAILED") failed += 1;
    else if (order.status === "CANCELLED") cancelled += 1;
    else if (order.status !== "CONFIRMED") notTerminal += 1;
    if (order.status !== "CONFIRMED") return;
    confirmed += 1;
    for (const item of order.items ?? []) unitsSold[item.sku] = (unitsSold[item.sku] ?? 0) + item.quantity;
    moved[order.fromAccount] = (moved[order.fromAccount] ?? 0) - cents(order.amount);
    moved[order.toAccount] = (moved[order.toAccount] ?? 0) + cents(order.amount);
  });

  const after = await snapshot(system, fixture);
  let oversold = 0;
  let effectDrift = 0;
  for (const { sku } of fixture.skus) {
    const start = before.stock[sku] as StockLevel;
    const end = after.stock[sku] as StockLevel;
    const sold = unitsSold[sku] ?? 0;
    const left = start.onHand - end.onHand;
    oversold += Math.max(0, sold - start.onHand, left - start.onHand, -end.onHand, -end.available);
    oversold += Math.max(0, end.reserved - end.onHand);
    effectDrift += Math.abs(left - sold) + Math.abs(end.onHand - end.reserved - end.available);
  }
  let moneyDelta = 0;
  for (const { accountId } of fixture.accounts) {
    const { balanceCents, heldCents } = before.accounts[accountId] as Balance;
    const start = { balanceCents: balanceCents + (deposited[accountId] ?? 0), heldCents };
    const end = after.accounts[accountId] as Balance;
    moneyDelta += end.balanceCents + end.heldCents - (start.balanceCents + start.heldCents);
    effectDrift += Math.abs(end.balanceCents - start.balanceCents - (moved[accountId] ?? 0));
  }
  const held = inFlight(after);
  const audit = await auditAtEnd(system);
  const broken = oversold !== 0 || moneyDelta !== 0 || held.units !== 0 || held.cents !== 0 || effectDrift !== 0;
  return {
    auditFindings: audit.findings,
    auditDisagrees: broken === audit.findings > 0 ? 0 : 1,
    auditNamed: audit.named.slice(0, 10),
    confirmed,
    failed,
    cancelled,
    notTerminal,
    oversold,
    moneyDelta,
    heldUnits: held.units,
    heldCents: held.cents,
    effectDrift,
  };
}
