import { depositFunds } from "@orders/core/use-cases/accounts/deposit-funds";
import { accountLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { AccountBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger() };

/** POST /accounts/{id}/deposits `{amount, reference}`: adds funds once per reference; 404 for no account. */
export const handler = adminRoute({ body: true }, async (event) => {
  const account: AccountBody = await depositFunds(event.pathParameters?.id ?? "", event.body, deps);
  return json(200, account);
});
