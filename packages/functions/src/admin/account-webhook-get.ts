import { getWebhook } from "@orders/core/use-cases/accounts/get-webhook";
import { accountLedger, webhookCircuits, webhookRegistry } from "../composition/table.ts";
import { accountReadRoute } from "../http/account-route.ts";
import type { WebhookEndpointBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger(), webhooks: webhookRegistry(), circuits: webhookCircuits() };

/** GET /accounts/{id}/webhook (an operator, or the customer whose account it is): the endpoint without its secret, or 404. */
export const handler = accountReadRoute(async (accountId) => {
  const body: WebhookEndpointBody = await getWebhook(accountId, deps);
  return json(200, body);
});
