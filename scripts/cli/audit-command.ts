import type { ConsistencyReport as Report } from "@orders/core/use-cases/audit/audit-ledgers";
import type { AdminClient } from "./admin-client.ts";

/**
 * The consistency audit from a terminal (`npm run audit`, `npm run orders --
 * audit`): with no argument the full audit of every sku and account, whose
 * report is kept in S3; with `order <id>`, one order against its
 * reservations, ledger entries and archived JSON. Resolves to the exit code:
 * 0 consistent, 1 not.
 */
export async function runAudit(client: AdminClient, args: string[]): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const [command, id] = args;
  if (command === "order") {
    if (!id) client.fail("usage: audit order <id>");
    const { consistent, checks } = await client.call<{ consistent: boolean; checks: Check[] }>(
      "POST",
      `/orders/${encodeURIComponent(id)}/verify-consistency`,
      {},
    );
    for (const check of checks) {
      out(
        `${check.ok ? "ok  " : "FAIL"} ${check.name}${check.ok ? "" : `: expected ${JSON.stringify(check.expected)}, found ${JSON.stringify(check.actual)}`}`,
      );
    }
    out(consistent ? `order ${id} is consistent` : `order ${id} is NOT consistent`);
    return consistent ? 0 : 1;
  }
  if (command !== undefined) client.fail(`unknown audit ${command}: use no argument (full audit) or "order <id>"`);
  const report = await client.call<Report>("POST", "/admin/consistency-audit", {});
  out(`audited ${report.skus} skus and ${report.accounts} accounts at ${report.at}; report kept at ${report.key}`);
  out(
    `money: deposits ${report.money.depositsCents / 100}, balances + holds ${report.money.balancesAndHoldsCents / 100}, ` +
      `in flight ${(report.money.inFlightCents ?? 0) / 100}`,
  );
  for (const found of report.inconsistencies) {
    out(`FAIL ${found.kind} ${found.id}: ${found.check} (expected ${found.expected}, found ${found.actual})`);
  }
  out(report.inconsistencies.length === 0 ? "consistent" : `${report.inconsistencies.length} inconsistencies`);
  return report.inconsistencies.length === 0 ? 0 : 1;
}

interface Check {
  name: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
}
