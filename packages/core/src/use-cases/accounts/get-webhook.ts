import { accountNotFound } from "../../domain/access.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import { WebhookNotFoundError } from "../../domain/errors.ts";
import type { Webhook } from "../../domain/webhook-rotation.ts";
import type { AccountLedger, Clock, WebhookRegistry } from "../../ports.ts";

/** An account's webhook endpoint as it may be shown: never a secret. */
export interface WebhookEndpointView {
  accountId: string;
  url: string;
  updatedAt: string;
  /** While the secret replaced by the last rotation still signs deliveries beside the current one: until when. */
  previousSecretUntil?: string;
}

/** The endpoint without its secrets; the rotated-out one only named while it still signs at `now`. */
export function webhookEndpointView(accountId: string, webhook: Webhook, now: Date): WebhookEndpointView {
  const view = { accountId, url: webhook.url, updatedAt: webhook.updatedAt };
  const until = webhook.previous?.until;
  return until !== undefined && now.getTime() < Date.parse(until) ? { ...view, previousSecretUntil: until } : view;
}

/**
 * Where an account's order events are POSTed, and whether a rotated-out
 * secret still signs them. Throws InvalidInputError for a malformed id,
 * AccountNotFoundError for no account, WebhookNotFoundError for an account
 * with no webhook set.
 */
export async function getWebhook(
  rawId: string,
  deps: { accounts: AccountLedger; webhooks: WebhookRegistry; clock?: Clock },
): Promise<WebhookEndpointView> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const webhook = await deps.webhooks.find(accountId);
  if (webhook) return webhookEndpointView(accountId, webhook, deps.clock?.now() ?? new Date());
  const [missing] = await deps.accounts.missing([accountId]);
  if (missing !== undefined) throw accountNotFound(accountId);
  throw new WebhookNotFoundError(
    `Account ${accountId} has no webhook: set one with PUT /accounts/${accountId}/webhook`,
  );
}
