import { type Api, expect } from "./api.ts";
import { toUnits } from "./money.ts";
import { pool } from "./pool.ts";
import type { Plan } from "./types.ts";

/**
 * Stocks the plan's skus (all but the unstocked one), opens its accounts and
 * makes each deposit once (its reference is the run's, so a retry after a
 * lost answer changes nothing). Unknown accounts are left unopened.
 */
export async function setUp(api: Api, plan: Plan, concurrency = 8): Promise<void> {
  const stocked = plan.skus.filter((s) => s.kind !== "unstocked");
  await pool(stocked, concurrency, async ({ sku, onHand }) => {
    await expect(api, "PUT", `/inventory/${encodeURIComponent(sku)}`, [200], { body: { onHand } });
  });
  await pool(plan.accounts, concurrency, async ({ accountId, depositCents }) => {
    await expect(api, "PUT", `/accounts/${accountId}`, [200, 201]);
    if (depositCents === 0) return;
    await expect(api, "POST", `/accounts/${accountId}/deposits`, [200, 201], {
      body: { amount: toUnits(depositCents), reference: `xp-${plan.runId}` },
    });
  });
}
