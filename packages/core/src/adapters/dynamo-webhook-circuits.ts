import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { endpointKey, type WebhookCircuit } from "../domain/webhook-circuit.ts";
import type { WebhookCircuitItem } from "../entities/webhook-circuit.ts";
import type { WebhookCircuits } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import { circuitKey } from "./notification-writes.ts";
import { readCircuitItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/**
 * `WebhookCircuits` over the one table: one small item per account's URL, in
 * a partition of its own. The read, which the Notifier makes on every
 * delivery, is a plain GetItem (the one ElectroDB sends); a save, when the
 * circuit's state changes, goes through the entity.
 */
export class DynamoWebhookCircuits implements WebhookCircuits {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    this.#table = table;
  }

  find(accountId: string, url: string): Promise<WebhookCircuit | undefined> {
    const { client, table } = this.#table.binding;
    return guarded("table", "read webhook circuit", async () => {
      const { Item } = await client.send(
        new GetCommand({ Key: circuitKey(endpointKey(accountId, url)), TableName: table, ConsistentRead: true }),
      );
      const data = (Item ? readCircuitItem(Item) : null) as WebhookCircuitItem | null;
      return data && data.url === url && data.accountId === accountId ? toCircuit(data) : undefined;
    });
  }

  save(accountId: string, next: WebhookCircuit): Promise<boolean> {
    const expected = next.version - 1;
    return guarded("table", "save webhook circuit", async () => {
      try {
        // A put replaces the whole item: fields the next state leaves out (probeAt, the lease) are gone.
        const { webhookCircuit } = await this.#table.entities();
        await webhookCircuit
          .put({ endpoint: endpointKey(accountId, next.url), accountId, ...next })
          .where((stored, { notExists, eq }) =>
            expected === 0 ? notExists(stored.version) : eq(stored.version, expected),
          )
          .go({ ...RAW_ERRORS, response: "none" });
        return true;
      } catch (error) {
        if (isRejected(error)) return false;
        throw error;
      }
    });
  }
}

function toCircuit(item: WebhookCircuitItem): WebhookCircuit {
  const { endpoint: _endpoint, accountId: _account, ...circuit } = item;
  return circuit;
}
