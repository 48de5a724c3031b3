import type { Api } from "./api.ts";
import { readAccount, readStock } from "./snapshot.ts";
import type { AccountSnapshot, Plan, Samples, StockSnapshot } from "./types.ts";

const TICK_MS = 1000;
const ACCOUNTS_PER_TICK = 2;

/** What is wrong with one read of a sku's counters, given what it started with and what it last showed. */
export function stockProblems(read: StockSnapshot, initialOnHand: number, previous?: StockSnapshot): string[] {
  const problems: string[] = [];
  if (read.onHand < 0) problems.push(`onHand ${read.onHand} < 0`);
  if (read.reserved < 0) problems.push(`reserved ${read.reserved} < 0`);
  if (read.reserved > read.onHand) problems.push(`reserved ${read.reserved} > onHand ${read.onHand}`);
  if (read.available !== read.onHand - read.reserved)
    problems.push(`available ${read.available} ≠ onHand ${read.onHand} − reserved ${read.reserved}`);
  if (read.onHand > initialOnHand) problems.push(`onHand ${read.onHand} > initial ${initialOnHand}: units created`);
  if (previous && read.onHand > previous.onHand) problems.push(`onHand rose from ${previous.onHand} to ${read.onHand}`);
  return problems;
}

/** What is wrong with one read of an account, given what was deposited on it. */
export function accountProblems(read: AccountSnapshot, depositCents: number, isPayer: boolean): string[] {
  const problems: string[] = [];
  if (read.balanceCents < 0) problems.push(`balance ${read.balanceCents}¢ < 0`);
  if (read.heldCents < 0) problems.push(`held ${read.heldCents}¢ < 0`);
  if (isPayer && read.balanceCents + read.heldCents > depositCents)
    problems.push(`balance + held ${read.balanceCents + read.heldCents}¢ > deposited ${depositCents}¢: money created`);
  if (!isPayer && read.heldCents !== 0) problems.push(`held ${read.heldCents}¢ on a payee`);
  return problems;
}

/**
 * Reads every stocked sku and a few accounts (in turn) every second while the
 * orders run, and keeps every read that breaks an invariant: the end state
 * alone cannot show that `reserved` never exceeded `onHand` on the way.
 * A read that still fails after the client's retries is skipped.
 */
export function startSampler(api: Api, plan: Plan): { stop(): Promise<Samples> } {
  const skus = plan.skus.filter((s) => s.kind !== "unstocked");
  const last = new Map<string, StockSnapshot>();
  const samples: Samples = { taken: 0, violations: [] };
  let running = true;
  let turn = 0;
  const note = (subject: string, problems: string[]) => {
    samples.taken += 1;
    const at = new Date().toISOString();
    for (const problem of problems) samples.violations.push({ at, subject, problem });
  };
  const tick = async () => {
    const stockReads = skus.map(async ({ sku, onHand }) => {
      const read = await readStock(api, sku);
      note(sku, stockProblems(read, onHand, last.get(sku)));
      last.set(sku, read);
    });
    const accountReads = Array.from({ length: ACCOUNTS_PER_TICK }, () => {
      const account = plan.accounts[turn++ % plan.accounts.length];
      if (!account) return Promise.resolve();
      return readAccount(api, account.accountId).then((read) =>
        note(account.accountId, accountProblems(read, account.depositCents, account.role !== "payee")),
      );
    });
    await Promise.allSettled([...stockReads, ...accountReads]);
  };
  const loop = (async () => {
    while (running) {
      await tick();
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}
