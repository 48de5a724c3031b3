/**
 * `npm run audit`: the consistency audit from a terminal, against the local
 * system or a deployed stage.
 *
 *   npm run audit                     the full audit: every sku and account; the report is kept in S3
 *   npm run audit -- order <id>       one order against its reservations, ledger entries and S3 object
 *
 * ORDERS_API_URL (default http://localhost:3000) and ORDERS_ADMIN_TOKEN, or --url and --token.
 * Exits 1 when anything is inconsistent.
 */
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: "string" }, token: { type: "string" } },
});
const baseUrl = (values.url ?? process.env.ORDERS_API_URL ?? "http://localhost:3000").replace(/\/$/, "");
const token = values.token ?? process.env.ORDERS_ADMIN_TOKEN;
const out = (text: string) => process.stdout.write(`${text}\n`);

function fail(message: string): never {
  process.stderr.write(`audit: ${message}\n`);
  process.exit(2);
}

async function post<T>(path: string): Promise<T> {
  if (!token) fail("set ORDERS_ADMIN_TOKEN (npm start prints it) or pass --token");
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  }).catch((error: Error) => fail(`cannot reach ${baseUrl}: ${error.message}`));
  const body = (await response.json().catch(() => ({}))) as T & { error?: string; message?: string };
  if (!response.ok) fail(`${response.status} ${body.error ?? ""} ${body.message ?? ""}`);
  return body;
}

interface Check {
  name: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
}
interface Report {
  at: string;
  skus: number;
  accounts: number;
  money: { depositsCents: number; balancesAndHoldsCents: number };
  inconsistencies: { kind: string; id: string; check: string; expected: number; actual: number }[];
  key: string;
}

const [command, id] = positionals;
if (command === "order") {
  if (!id) fail("usage: npm run audit -- order <id>");
  const { consistent, checks } = await post<{ consistent: boolean; checks: Check[] }>(
    `/orders/${encodeURIComponent(id)}/verify-consistency`,
  );
  for (const check of checks) {
    out(
      `${check.ok ? "ok  " : "FAIL"} ${check.name}${check.ok ? "" : `: expected ${JSON.stringify(check.expected)}, found ${JSON.stringify(check.actual)}`}`,
    );
  }
  out(consistent ? `order ${id} is consistent` : `order ${id} is NOT consistent`);
  process.exit(consistent ? 0 : 1);
} else if (command === undefined) {
  const report = await post<Report>("/admin/consistency-audit");
  out(`audited ${report.skus} skus and ${report.accounts} accounts at ${report.at}; report kept at ${report.key}`);
  out(
    `money: deposits ${report.money.depositsCents / 100}, balances + holds ${report.money.balancesAndHoldsCents / 100}`,
  );
  for (const found of report.inconsistencies) {
    out(`FAIL ${found.kind} ${found.id}: ${found.check} (expected ${found.expected}, found ${found.actual})`);
  }
  out(report.inconsistencies.length === 0 ? "consistent" : `${report.inconsistencies.length} inconsistencies`);
  process.exit(report.inconsistencies.length === 0 ? 0 : 1);
} else {
  fail(`unknown command ${command}: use no command (full audit) or "order <id>"`);
}
