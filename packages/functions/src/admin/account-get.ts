import { getAccount } from "@orders/core/use-cases/accounts/get-account";
import { accountLedger, webhookRegistry } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { AccountBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger(), webhooks: webhookRegistry() };

/** GET /accounts/{id}: balance, held, available, the latest 10 ledger entries and the webhook (no secret), or 404. */
export const handler = adminRoute({ body: false }, async (event) => {
  const account: AccountBody = await getAccount(event.pathParameters?.id ?? "", deps);
  return json(200, account);
});
