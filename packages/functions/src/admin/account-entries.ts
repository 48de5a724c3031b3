import { listAccountEntries } from "@orders/core/use-cases/accounts/list-account-entries";
import { accountLedger } from "../composition/table.ts";
import { accountReadRoute } from "../http/account-route.ts";
import type { AccountEntriesBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger() };

/** GET /accounts/{id}/entries?limit=&cursor=: every ledger entry of the account, newest first, a page at a time. */
export const handler = accountReadRoute(async (accountId, _caller, event) => {
  const page: AccountEntriesBody = await listAccountEntries(accountId, event.queryStringParameters ?? {}, deps);
  return json(200, page);
});
