import { accountNotFound } from "../../domain/access.ts";
import { AccountIdSchema, parseInput } from "../../domain/admin-inputs.ts";
import { WebhookNotFoundError } from "../../domain/errors.ts";
import { type CircuitView, circuitView, type WebhookCircuit } from "../../domain/webhook-circuit.ts";
import type { Webhook } from "../../domain/webhook-rotation.ts";
import type { AccountLedger, Clock, WebhookCircuits, WebhookRegistry } from "../../ports.ts";

/** An account's webhook endpoint as it may be shown: never a secret. */
export interface WebhookEndpointView {
  accountId: string;
  url: string;
  updatedAt: string;
  /** While the secret replaced by the last rotation still signs deliveries beside the current one: until when. */
  previousSecretUntil?: string;
  /** The endpoint's circuit breaker: CLOSED while deliveries go out, OPEN while they wait for the next probe. */
  circuit: CircuitView;
}

/** The endpoint without its secrets; the rotated-out one only named while it still signs at `now`. */
export function webhookEndpointView(
  accountId: string,
  webhook: Webhook,
  circuit: WebhookCircuit | undefined,
  now: Date,
): WebhookEndpointView {
  const view = {
    accountId,
    url: webhook.url,
    updatedAt: webhook.updatedAt,
    circuit: circuitView(circuit, webhook.url),
  };
  const until = webhook.previous?.until;
  return until !== undefined && now.getTime() < Date.parse(until) ? { ...view, previousSecretUntil: until } : view;
}

/**
 * Where an account's order events are POSTed, whether a rotated-out secret
 * still signs them, and the state of the endpoint's circuit breaker. Throws InvalidInputError for a malformed id,
 * AccountNotFoundError for no account, WebhookNotFoundError for an account
 * with no webhook set.
 */
export async function getWebhook(
  rawId: string,
  deps: { accounts: AccountLedger; webhooks: WebhookRegistry; circuits: WebhookCircuits; clock?: Clock },
): Promise<WebhookEndpointView> {
  const accountId = parseInput(AccountIdSchema, rawId, "The account id", "id");
  const webhook = await deps.webhooks.find(accountId);
  if (webhook) {
    const circuit = await deps.circuits.find(accountId, webhook.url);
    return webhookEndpointView(accountId, webhook, circuit, deps.clock?.now() ?? new Date());
  }
  const [missing] = await deps.accounts.missing([accountId]);
  if (missing !== undefined) throw accountNotFound(accountId);
  throw new WebhookNotFoundError(
    `Account ${accountId} has no webhook: set one with PUT /accounts/${accountId}/webhook`,
  );
}
