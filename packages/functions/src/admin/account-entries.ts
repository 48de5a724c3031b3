import { assertMayReadAccount } from "@orders/core/domain/access";
import { listAccountEntries } from "@orders/core/use-cases/accounts/list-account-entries";
import { accountLedger } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { callerOf } from "../http/caller-auth.ts";
import type { AccountEntriesBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger() };

/** GET /accounts/{id}/entries?limit=&cursor=: every ledger entry of the account, newest first, a page at a time. */
export const handler = adminRoute({ body: false, access: "caller" }, async (event) => {
  const caller = callerOf(event);
  assertMayReadAccount(caller, event.pathParameters?.id ?? "");
  const page: AccountEntriesBody = await listAccountEntries(
    event.pathParameters?.id ?? "",
    event.queryStringParameters ?? {},
    deps,
  );
  return json(200, page);
});
