import { getAccount } from "@orders/core/use-cases/accounts/get-account";
import { accountLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { AccountBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger() };

/** GET /accounts/{id}: balance, held, available and the latest 50 ledger entries, or 404. */
export const handler = adminRoute({ body: false }, async (event) => {
  const account: AccountBody = await getAccount(event.pathParameters?.id ?? "", deps);
  return json(200, account, { "cache-control": "no-store" });
});
