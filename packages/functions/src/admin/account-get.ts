import { getAccount } from "@orders/core/use-cases/accounts/get-account";
import { accountLedger, webhookRegistry } from "../composition/table.ts";
import { accountReadRoute } from "../http/account-route.ts";
import type { AccountBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger(), webhooks: webhookRegistry() };

/** GET /accounts/{id} (an operator, or the customer whose account it is): balance, held, available, the latest 10 ledger entries and the webhook (no secret), or 404. */
export const handler = accountReadRoute(async (accountId) => {
  const account: AccountBody = await getAccount(accountId, deps);
  return json(200, account);
});
