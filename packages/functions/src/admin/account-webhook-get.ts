import { assertMayReadAccount } from "@orders/core/domain/access";
import { getWebhook } from "@orders/core/use-cases/accounts/get-webhook";
import { accountLedger, webhookCircuits, webhookRegistry } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { callerOf } from "../http/caller-auth.ts";
import type { WebhookEndpointBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger(), webhooks: webhookRegistry(), circuits: webhookCircuits() };

/** GET /accounts/{id}/webhook (an operator, or the customer whose account it is): the endpoint without its secret, or 404. */
export const handler = adminRoute({ body: false, access: "caller" }, async (event) => {
  const accountId = event.pathParameters?.id ?? "";
  assertMayReadAccount(callerOf(event), accountId);
  const body: WebhookEndpointBody = await getWebhook(accountId, deps);
  return json(200, body);
});
