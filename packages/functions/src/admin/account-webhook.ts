import { parseInput } from "@orders/core/domain/admin-inputs";
import { setWebhook } from "@orders/core/use-cases/accounts/set-webhook";
import { webhookPolicy } from "../composition/settings.ts";
import { accountLedger, webhookRegistry } from "../composition/table.ts";
import { adminRoute } from "../http/admin-route.ts";
import { SetWebhookBodySchema, type WebhookSecretBody } from "../http/contract.ts";
import { json } from "../http/responses.ts";

const deps = { accounts: accountLedger(), webhooks: webhookRegistry(), policy: webhookPolicy() };

/**
 * PUT /accounts/{id}/webhook `{url, revokePreviousSecret?}`: sets the webhook with a new secret, shown only in
 * this answer; the replaced secret keeps signing for the overlap unless revoked.
 */
export const handler = adminRoute({ body: true }, async (event) => {
  const { url, revokePreviousSecret } = parseInput(SetWebhookBodySchema, event.body, "The webhook");
  const options = { revokePrevious: revokePreviousSecret === true };
  const body: WebhookSecretBody = await setWebhook(event.pathParameters?.id ?? "", url, deps, options);
  return json(200, body);
});
