import { endpointKey, type WebhookCircuit } from "../domain/webhook-circuit.ts";
import type { OrdersService } from "../entities/service.ts";
import type { WebhookCircuitItem } from "../entities/webhook-circuit.ts";
import type { WebhookCircuits } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** `WebhookCircuits` over the one table: one small item per account's URL, in a partition of its own. */
export class DynamoWebhookCircuits implements WebhookCircuits {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  find(accountId: string, url: string): Promise<WebhookCircuit | undefined> {
    return guarded("table", "read webhook circuit", async () => {
      const { data } = await this.#service.entities.webhookCircuit
        .get({ endpoint: endpointKey(accountId, url) })
        .go({ ...RAW_ERRORS, consistent: true });
      return data && data.url === url && data.accountId === accountId ? toCircuit(data) : undefined;
    });
  }

  save(accountId: string, next: WebhookCircuit): Promise<boolean> {
    const expected = next.version - 1;
    return guarded("table", "save webhook circuit", async () => {
      try {
        // A put replaces the whole item: fields the next state leaves out (probeAt, the lease) are gone.
        await this.#service.entities.webhookCircuit
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
