import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import { AccountNotFoundError, UnsafeWebhookUrlError } from "../../domain/errors.ts";
import { newWebhookSecret } from "../../domain/webhook-signature.ts";
import { checkWebhookUrl, type WebhookPolicy } from "../../domain/webhook-url.ts";
import type { AccountLedger, Clock, WebhookRegistry } from "../../ports.ts";

export interface SetWebhookDeps {
  accounts: AccountLedger;
  webhooks: WebhookRegistry;
  policy: WebhookPolicy;
  clock?: Clock;
  newSecret?: () => string;
}

/**
 * Sets where an account's order events are POSTed, with a new signing secret
 * (setting it again rotates the secret). The secret is returned here and
 * nowhere else. Throws InvalidInputError for a malformed id,
 * UnsafeWebhookUrlError for a URL the policy refuses, AccountNotFoundError.
 */
export async function setWebhook(
  rawId: string,
  rawUrl: string,
  deps: SetWebhookDeps,
): Promise<{ url: string; secret: string }> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const checked = checkWebhookUrl(rawUrl, deps.policy);
  if (!checked.ok) throw new UnsafeWebhookUrlError(checked.reason);
  const [missing] = await deps.accounts.missing([accountId]);
  if (missing !== undefined) throw new AccountNotFoundError(`No account has id ${accountId}`);
  const url = checked.url.href;
  const secret = (deps.newSecret ?? newWebhookSecret)();
  const updatedAt = (deps.clock?.now() ?? new Date()).toISOString();
  await deps.webhooks.save(accountId, { url, secret, updatedAt });
  return { url, secret };
}
