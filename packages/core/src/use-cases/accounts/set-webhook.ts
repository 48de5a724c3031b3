import { accountNotFound } from "../../domain/access.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import { DependencyError, UnsafeWebhookUrlError } from "../../domain/errors.ts";
import { rotateWebhook } from "../../domain/webhook-rotation.ts";
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

export interface SetWebhookOptions {
  /** End the old secret's validity now (it leaked), instead of after the overlap. */
  revokePrevious?: boolean;
}

export interface SetWebhookResult {
  url: string;
  secret: string;
  /** When the secret this one replaced stops signing deliveries; absent when none still does. */
  previousSecretValidUntil?: string;
}

/** Saves lost to a concurrent rotation before giving up: each loss means another request just saved. */
const MAX_ATTEMPTS = 3;

/**
 * Sets where an account's order events are POSTed, with a new signing secret.
 * Setting it again rotates the secret: the old one keeps signing beside it for
 * the overlap window (webhook-rotation.ts) unless `revokePrevious`. The secret
 * is returned here and nowhere else. Two rotations at once are serialised, so
 * each secret answered is the current or the previous one. Throws
 * InvalidInputError for a malformed id, UnsafeWebhookUrlError for a URL the
 * policy refuses, AccountNotFoundError (`accountNotFound`).
 */
export async function setWebhook(
  rawId: string,
  rawUrl: string,
  deps: SetWebhookDeps,
  options: SetWebhookOptions = {},
): Promise<SetWebhookResult> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const checked = checkWebhookUrl(rawUrl, deps.policy);
  if (!checked.ok) throw new UnsafeWebhookUrlError(checked.reason);
  const [missing] = await deps.accounts.missing([accountId]);
  if (missing !== undefined) throw accountNotFound(accountId);
  const url = checked.url.href;
  const secret = (deps.newSecret ?? newWebhookSecret)();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await deps.webhooks.find(accountId);
    const at = deps.clock?.now() ?? new Date();
    const next = rotateWebhook(current, { url, secret, at, revokePrevious: options.revokePrevious });
    if (await deps.webhooks.save(accountId, next, current)) {
      return next.previous ? { url, secret, previousSecretValidUntil: next.previous.until } : { url, secret };
    }
  }
  throw new DependencyError("table", `table: the webhook of ${accountId} kept changing under this request`);
}
