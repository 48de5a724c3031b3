/**
 * `npm run audit`: the consistency audit from a terminal, against the local
 * system or a deployed stage (also `npm run orders -- audit`).
 *
 *   npm run audit                     the full audit: every sku and account; the report is kept in S3
 *   npm run audit -- order <id>       one order against its reservations, ledger entries and S3 object
 *
 * ORDERS_API_URL (default http://localhost:3000) and ORDERS_ADMIN_TOKEN, or --url and --token.
 * Exits 1 when anything is inconsistent, 2 when the audit could not run.
 */
import { adminClient } from "./cli/admin-client.ts";
import { ADMIN_CLI_OPTIONS, cliArgs } from "./cli/args.ts";
import { runAudit } from "./cli/audit-command.ts";

const USAGE = `usage: npm run audit [-- order <id>]

  (no argument)   the full audit: every sku, account and transfer; the report is kept in S3
  order <id>      one order against its reservations, ledger entries and S3 object

ORDERS_API_URL (default http://localhost:$PORT, else 3000) and ORDERS_ADMIN_TOKEN, or --url and --token.
Exits 1 when anything is inconsistent, 2 when the audit could not run.`;

const { values, positionals } = cliArgs("audit", USAGE, {
  allowPositionals: true,
  options: ADMIN_CLI_OPTIONS,
});
const client = adminClient({ url: values.url, token: values.token, name: "audit", errorExitCode: 2 });
process.exit(await runAudit(client, positionals));
