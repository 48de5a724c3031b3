import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { endpointKey, type WebhookCircuit } from "../domain/webhook-circuit.ts";
import type { WebhookCircuitItem } from "../entities/webhook-circuit.ts";
import type { WebhookCircuits } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { circuitKey, circuitPut } from "./notification-writes.ts";
import { readCircuitItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/**
 * `WebhookCircuits` over the one table: one small item per account's URL, in
 * a partition of its own. The read (the Notifier's, on every delivery) and
 * the save (when the circuit's state changes) are plain commands, as
 * ElectroDB sends them (`notification-writes.ts`).
 */
export class DynamoWebhookCircuits implements WebhookCircuits {
  readonly #table: Pick<TableAccess, "binding">;

  constructor(table: Pick<TableAccess, "binding">) {
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
    return guarded("table", "save webhook circuit", async () => {
      try {
        // A put replaces the whole item: fields the next state leaves out (probeAt, the lease) are gone.
        const { client, table } = this.#table.binding;
        await client.send(new PutCommand(circuitPut(table, endpointKey(accountId, next.url), accountId, next)));
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
