import { lineTotalCents, sum } from "./money.ts";
import { type Random, seededRandom } from "./random.ts";
import type { Category, Line, Plan, PlannedAccount, PlannedOrder, PlannedSku } from "./types.ts";

/** Shares of the original orders; duplicates come on top, as a share of all submissions. */
export const MIX: Record<Category, number> = {
  fit: 35,
  contended: 27,
  shortfall: 10,
  tightFunds: 10,
  insufficientFunds: 6,
  unknownAccount: 7,
  invalid: 5,
};
export const DUPLICATE_SHARE = 0.07;

const HOT_SKUS = 3;
const PLENTIFUL_SKUS = 5;
/** How much of a hot sku's contended demand is in stock: the rest must be refused. */
const HOT_STOCK_RATIOS = [0.1, 0.25, 0.5];
/** How often each hot sku is asked for: the first is the hottest. */
const HOT_WEIGHTS = [0.5, 0.3, 0.2];
const ACCOUNTS = { richPayer: 20, tightPayer: 10, poorPayer: 6, payee: 3 } as const;

export interface PlanInput {
  orders: number;
  seed: number;
  /** Unique per run (12 digits: the clock and a random pair), so that reruns against a deployed stage never collide. */
  runDigits: string;
}

/** Splits `total` by `weights`, exactly (largest remainder). */
export function apportion<K extends string>(total: number, weights: Record<K, number>): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const weightSum = sum(keys.map((k) => weights[k]));
  const exact = keys.map((k) => (total * weights[k]) / weightSum);
  const counts = exact.map(Math.floor);
  const remainder = (i: number) => (exact[i] as number) - (counts[i] as number);
  const byRemainder = keys.map((_, i) => i).sort((a, b) => remainder(b) - remainder(a));
  const left = total - sum(counts);
  for (const i of byRemainder.slice(0, left)) counts[i] = (counts[i] as number) + 1;
  return Object.fromEntries(keys.map((k, i) => [k, counts[i]])) as Record<K, number>;
}

const weighted = <T>(random: Random, items: readonly T[], weights: readonly number[]): T => {
  let roll = random.next() * sum(weights);
  for (let i = 0; i < items.length; i++) {
    roll -= weights[i] as number;
    if (roll < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
};

/**
 * The run's skus, accounts and orders, from a seed: the same seed gives the
 * same mix, under fresh names. Stock and funds are sized from the orders, so
 * that each category's outcome is known in advance (or bounded by the race).
 */
export function buildPlan({ orders: total, seed, runDigits }: PlanInput): Plan {
  const random = seededRandom(seed);
  const runId = runDigits;
  const skuName = (prefix: string, i: number) => `XP-${runId}-${prefix}${i + 1}`;
  const hot = Array.from({ length: HOT_SKUS }, (_, i) => skuName("H", i));
  const plentiful = Array.from({ length: PLENTIFUL_SKUS }, (_, i) => skuName("P", i));
  const unstocked = skuName("U", 0);
  let accountNo = 0;
  const accountId = () => `8${runDigits}${String(accountNo++).padStart(4, "0")}`;
  const accountsOf = (role: PlannedAccount["role"]) =>
    Array.from({ length: ACCOUNTS[role] }, () => ({ accountId: accountId(), role, depositCents: 0 }));
  const accounts = [
    ...accountsOf("richPayer"),
    ...accountsOf("tightPayer"),
    ...accountsOf("poorPayer"),
    ...accountsOf("payee"),
  ];
  const ids = (role: PlannedAccount["role"]) => accounts.filter((a) => a.role === role).map((a) => a.accountId);
  const unknownAccounts = Array.from({ length: 5 }, (_, i) => `8${runDigits}${String(9000 + i).padStart(4, "0")}`);

  const duplicates = Math.round(total * DUPLICATE_SHARE);
  const counts = apportion(total - duplicates, MIX);
  const line = (sku: string, quantity = random.int(1, 3)): Line => ({
    sku,
    quantity,
    unitPriceCents: random.int(50, 4999),
  });
  const plentifulLines = (min: number, max: number) =>
    random
      .shuffle([...plentiful])
      .slice(0, random.int(min, max))
      .map((sku) => line(sku));
  const hotSku = () => weighted(random, hot, HOT_WEIGHTS);
  let orderNo = 0;
  const order = (category: Category, payer: string, lines: Line[]): PlannedOrder => ({
    id: `xp-${runId}-${String(orderNo++).padStart(5, "0")}`,
    category,
    payer,
    payee: random.pick(ids("payee")),
    lines,
    amountCents: lineTotalCents(lines),
  });
  const times = <T>(n: number, make: () => T) => Array.from({ length: n }, make);

  const contended = times(counts.contended, () => {
    const first = hotSku();
    const lines = [line(first)];
    const second = hotSku();
    if (second !== first && random.next() < 0.2) lines.push(line(second));
    if (random.next() < 0.5) lines.push(line(random.pick(plentiful)));
    return order("contended", random.pick(ids("richPayer")), lines);
  });
  const hotDemand = (sku: string) =>
    sum(contended.flatMap((o) => o.lines.filter((l) => l.sku === sku).map((l) => l.quantity)));
  const skus: PlannedSku[] = hot.map((sku, i) => ({
    sku,
    kind: "hot",
    onHand: Math.max(1, Math.round(hotDemand(sku) * (HOT_STOCK_RATIOS[i] ?? 0.25))),
  }));
  const onHandOf = (sku: string) => skus.find((s) => s.sku === sku)?.onHand ?? 0;

  const shortfall = times(counts.shortfall, () => {
    const short = random.next() < 0.75 ? hotSku() : unstocked;
    const lines = [line(short, onHandOf(short) + random.int(1, 3)), line(random.pick(plentiful))];
    const other = hotSku();
    if (other !== short && random.next() < 0.3) lines.push(line(other));
    return order("shortfall", random.pick(ids("richPayer")), lines);
  });
  const fit = times(counts.fit, () => order("fit", random.pick(ids("richPayer")), plentifulLines(1, 3)));
  const tight = times(counts.tightFunds, () =>
    order("tightFunds", random.pick(ids("tightPayer")), plentifulLines(1, 2)),
  );
  const poor = times(counts.insufficientFunds, () =>
    order("insufficientFunds", random.pick(ids("poorPayer")), plentifulLines(1, 1)),
  );
  const unknown = times(counts.unknownAccount, () => {
    const o = order("unknownAccount", random.pick(ids("richPayer")), plentifulLines(1, 2));
    if (random.next() < 0.5) o.payer = random.pick(unknownAccounts);
    else o.payee = random.pick(unknownAccounts);
    return o;
  });
  const invalid = times(counts.invalid, () => {
    const o = order("invalid", random.pick(ids("richPayer")), plentifulLines(1, 2));
    o.amountCents += random.int(1, 99);
    return o;
  });
  const orders = [...fit, ...contended, ...shortfall, ...tight, ...poor, ...unknown, ...invalid];

  // Plentiful skus hold more than every order asks: they can never be short.
  for (const sku of plentiful) {
    const demand = sum(orders.flatMap((o) => o.lines.filter((l) => l.sku === sku).map((l) => l.quantity)));
    skus.push({ sku, kind: "plentiful", onHand: demand + 2 });
  }
  skus.push({ sku: unstocked, kind: "unstocked", onHand: 0 });

  for (const account of accounts) {
    const own = orders.filter((o) => o.payer === account.accountId).map((o) => o.amountCents);
    if (account.role === "richPayer") account.depositCents = sum(own);
    if (account.role === "tightPayer") account.depositCents = Math.round(sum(own) / 2);
    if (account.role === "poorPayer")
      account.depositCents = own.length ? Math.max(1, Math.floor(Math.min(...own) / 2)) : 100;
  }

  const duplicated = random.shuffle([...orders]).slice(0, duplicates);
  const submissions = random.shuffle([...orders, ...duplicated]);
  return { runId, skus, accounts, unknownAccounts, orders, submissions };
}
