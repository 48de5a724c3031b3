/**
 * `npm run orders -- <command>`: orders from a terminal, against the local
 * system or a deployed stage.
 *
 *   show <id>                                   status, payment, reservations, the saga as a timeline, notifications
 *   cancel <id> --reason "…"                    cancel (refund if confirmed); the processor carries it out
 *   list --account <id> [--role payer|payee] [--status S] [--limit N] [--all | --cursor C]
 *                                               the account's orders, newest first; --all follows every cursor
 *   audit [order <id>]                          the consistency audit (as `npm run audit`)
 *
 * ORDERS_API_URL (default http://localhost:3000) and ORDERS_ADMIN_TOKEN, or
 * --url and --token. Exits 0 when it worked, 1 on an HTTP error (its code is
 * printed), or, for audit, when anything is inconsistent.
 */
import type { ListedOrder } from "@orders/core/domain/order-listing";
import { adminClient } from "./cli/admin-client.ts";
import { ADMIN_CLI_OPTIONS, cliArgs } from "./cli/args.ts";
import { runAudit } from "./cli/audit-command.ts";
import { listingText, type OrderLookup, orderText } from "./cli/order-text.ts";

const USAGE = `usage: npm run orders -- <command> [options]

  show <id>                    status, payment, reservations, the saga as a timeline, notifications
  cancel <id> --reason "…"     cancel (refund if confirmed); the processor carries it out
  list --account <id> [--role payer|payee] [--status S] [--limit N] [--all | --cursor C]
                               the account's orders, newest first; --all follows every cursor
  audit [order <id>]           the consistency audit (as npm run audit)

ORDERS_API_URL (default http://localhost:$PORT, else 3000) and ORDERS_ADMIN_TOKEN, or --url and --token.
Exits 0 when it worked, 1 on an HTTP error (its code is printed), or, for audit, when anything is inconsistent.`;

const { values, positionals } = cliArgs("orders", USAGE, {
  allowPositionals: true,
  options: {
    ...ADMIN_CLI_OPTIONS,
    reason: { type: "string" },
    account: { type: "string" },
    role: { type: "string" },
    status: { type: "string" },
    limit: { type: "string" },
    cursor: { type: "string" },
    all: { type: "boolean", default: false },
  },
});
const client = adminClient({ url: values.url, token: values.token, name: "orders", errorExitCode: 1 });
const [command, ...args] = positionals;
const out = (lines: string | string[]) => process.stdout.write(`${([] as string[]).concat(lines).join("\n")}\n`);
const idOf = (what: string) => encodeURIComponent(args[0] ?? client.fail(`${what} needs an order id`));

/** Every page of the listing with --all, else one; the API checks every parameter. */
async function list(): Promise<void> {
  const account = values.account ?? client.fail("list needs --account <id>");
  let cursor = values.cursor;
  let listed = 0;
  do {
    const query = new URLSearchParams();
    for (const name of ["role", "status", "limit"] as const) if (values[name]) query.set(name, values[name]);
    if (cursor) query.set("cursor", cursor);
    const page = await client.call<{ orders: ListedOrder[]; cursor?: string }>(
      "GET",
      `/accounts/${encodeURIComponent(account)}/orders?${query}`,
    );
    if (page.orders.length) out(listingText(page.orders));
    listed += page.orders.length;
    cursor = page.cursor;
  } while (values.all && cursor);
  out(`${listed} order${listed === 1 ? "" : "s"} of ${account} as ${values.role ?? "payer"}`);
  if (cursor) out(`more: --cursor ${cursor} (or --all)`);
}

switch (command) {
  case "show":
    out(orderText(await client.call<OrderLookup>("GET", `/orders/${idOf("show")}`)));
    break;
  case "cancel": {
    const id = idOf("cancel");
    if (!values.reason) client.fail('cancel needs --reason "why"');
    const { status, body } = await client.send<{ id: string; status: string }>("POST", `/orders/${id}/cancel`, {
      reason: values.reason,
    });
    // A 202 may already say CANCELLED: the processor can finish before the request's own mark is read back.
    const started =
      body.status === "CANCELLED"
        ? `order ${body.id}: CANCELLED`
        : `order ${body.id}: ${body.status}; the processor cancels it (show it in a moment)`;
    out(status === 202 ? started : `order ${body.id}: already ${body.status}, nothing changed`);
    break;
  }
  case "list":
    await list();
    break;
  case "audit":
    process.exitCode = await runAudit(client, args);
    break;
  default:
    client.fail(command ? `unknown command ${command}\n\n${USAGE}` : USAGE);
}
