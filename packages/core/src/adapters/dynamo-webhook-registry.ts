import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { WebhookItem } from "../entities/webhook.ts";
import type { Webhook, WebhookRegistry } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { webhookKey, webhookPut } from "./notification-writes.ts";
import { readWebhookItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/**
 * `WebhookRegistry` over the one table: one small item per account, in the
 * account's partition. The read (the Notifier's, on every delivery) and the
 * save are plain commands, as ElectroDB sends them (`notification-writes.ts`).
 */
export class DynamoWebhookRegistry implements WebhookRegistry {
  readonly #table: Pick<TableAccess, "binding">;

  constructor(table: Pick<TableAccess, "binding">) {
    this.#table = table;
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
        const { client, table } = this.#table.binding;
        await client.send(new PutCommand(webhookPut(table, item, replacing?.secret)));
        return true;
      } catch (error) {
        if (isRejected(error)) return false;
        throw error;
      }
    });
  }

  find(accountId: string): Promise<Webhook | undefined> {
    const { client, table } = this.#table.binding;
    return guarded("table", "read webhook", async () => {
      const { Item } = await client.send(
        new GetCommand({ Key: webhookKey(accountId), TableName: table, ConsistentRead: true }),
      );
      const data = Item ? readWebhookItem(Item) : null;
      return data ? toWebhook(data as WebhookItem) : undefined;
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
