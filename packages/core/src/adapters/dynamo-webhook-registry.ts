import type { OrdersService } from "../entities/service.ts";
import type { WebhookItem } from "../entities/webhook.ts";
import type { Webhook, WebhookRegistry } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** `WebhookRegistry` over the one table: one small item per account, in the account's partition. */
export class DynamoWebhookRegistry implements WebhookRegistry {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  save(accountId: string, webhook: Webhook, replacing: Webhook | undefined): Promise<boolean> {
    const { url, secret, updatedAt, previous } = webhook;
    const item = {
      accountId,
      url,
      secret,
      updatedAt,
      ...(previous ? { previousSecret: previous.secret, previousSecretUntil: previous.until } : {}),
    };
    return guarded("table", "save webhook", async () => {
      try {
        // A put replaces the whole item, so a webhook saved without a previous secret drops the old one.
        // The secret is the version: random, never reused, so a save derived from a stale read is refused.
        await this.#service.entities.webhook
          .put(item)
          .where((stored, { notExists, eq }) =>
            replacing ? eq(stored.secret, replacing.secret) : notExists(stored.secret),
          )
          .go({ ...RAW_ERRORS, response: "none" });
        return true;
      } catch (error) {
        if (isRejected(error)) return false;
        throw error;
      }
    });
  }

  find(accountId: string): Promise<Webhook | undefined> {
    return guarded("table", "read webhook", async () => {
      const { data } = await this.#service.entities.webhook.get({ accountId }).go({ ...RAW_ERRORS, consistent: true });
      return data ? toWebhook(data) : undefined;
    });
  }
}

function toWebhook(item: WebhookItem): Webhook {
  const webhook: Webhook = { url: item.url, secret: item.secret, updatedAt: item.updatedAt };
  if (item.previousSecret !== undefined && item.previousSecretUntil !== undefined) {
    webhook.previous = { secret: item.previousSecret, until: item.previousSecretUntil };
  }
  return webhook;
}
