import { assertMayReadAccount } from "@orders/core/domain/access";
import { getAccount } from "@orders/core/use-cases/accounts/get-account";
import { accountLedger, webhookRegistry } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { callerOf } from "../http/caller-auth.ts";
import type { AccountBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger(), webhooks: webhookRegistry() };

/** GET /accounts/{id} (an operator, or the customer whose account it is): balance, held, available, the latest 10 ledger entries and the webhook (no secret), or 404. */
export const handler = adminRoute({ body: false, access: "caller" }, async (event) => {
  const caller = callerOf(event);
  assertMayReadAccount(caller, event.pathParameters?.id ?? "");
  const account: AccountBody = await getAccount(event.pathParameters?.id ?? "", deps);
  return json(200, account);
});
