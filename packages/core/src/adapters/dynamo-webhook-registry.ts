import type { OrdersService } from "../entities/service.ts";
import type { Webhook, WebhookRegistry } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

/** `WebhookRegistry` over the one table: one small item per account, in the account's partition. */
export class DynamoWebhookRegistry implements WebhookRegistry {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  save(accountId: string, webhook: Webhook): Promise<void> {
    return guarded("table", "save webhook", async () => {
      await this.#service.entities.webhook
        .put({ accountId, url: webhook.url, secret: webhook.secret, updatedAt: webhook.updatedAt })
        .go({ ...RAW_ERRORS, response: "none" });
    });
  }

  find(accountId: string): Promise<Webhook | undefined> {
    return guarded("table", "read webhook", async () => {
      const { data } = await this.#service.entities.webhook.get({ accountId }).go({ ...RAW_ERRORS, consistent: true });
      return data ? { url: data.url, secret: data.secret, updatedAt: data.updatedAt } : undefined;
    });
  }
}
