import { openAccount } from "@orders/core/use-cases/accounts/open-account";
import { accountLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import type { AccountBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger() };

/** PUT /accounts/{id}: opens the account; 201 when created, 200 when it existed. */
export const handler = adminRoute({ body: false }, async (event) => {
  const { created, account } = await openAccount(event.pathParameters?.id ?? "", deps);
  const body: AccountBody = account;
  return json(created ? 201 : 200, body);
});
