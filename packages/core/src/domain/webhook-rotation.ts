/**
 * Rotating an account's webhook secret with an overlap, after Stripe's
 * "roll secret": the secret that was replaced keeps signing, beside the new
 * one, for `SECRET_OVERLAP_SECONDS`, so a receiver still verifying with it
 * accepts every delivery until it has switched. Only one previous secret is
 * kept: rotating again within the window ends the older one's overlap.
 */

/** How long a replaced secret still signs deliveries, beside the new one: 24 hours. */
export const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

/** An account's webhook: where order events for it are POSTed, and the secrets that sign them. */
export interface Webhook {
  url: string;
  secret: string;
  updatedAt: string;
  /** The secret this one replaced, still signing until `until` (ISO 8601, exclusive). At most one. */
  previous?: { secret: string; until: string };
}

export interface WebhookChange {
  url: string;
  secret: string;
  at: Date;
  /** End the replaced secret's validity at once (it leaked), instead of after the overlap. */
  revokePrevious?: boolean;
}

/** The webhook that replaces `current` (none: a first webhook) with a new URL and secret. */
export function rotateWebhook(current: Webhook | undefined, change: WebhookChange): Webhook {
  const next: Webhook = { url: change.url, secret: change.secret, updatedAt: change.at.toISOString() };
  if (current === undefined || change.revokePrevious) return next;
  const until = new Date(change.at.getTime() + SECRET_OVERLAP_SECONDS * 1000).toISOString();
  return { ...next, previous: { secret: current.secret, until } };
}

/** The secrets that sign a delivery at `now`: the current one first, then the previous one while it is valid. */
export function signingSecrets(webhook: Webhook, now: Date): string[] {
  const { previous } = webhook;
  const valid = previous !== undefined && now.getTime() < Date.parse(previous.until);
  return valid ? [webhook.secret, previous.secret] : [webhook.secret];
}
