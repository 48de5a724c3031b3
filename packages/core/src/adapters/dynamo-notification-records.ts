import type { NotificationRecord } from "../domain/notification.ts";
import type { OrdersService } from "../entities/service.ts";
import type { NotificationKey, NotificationRecords } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

/**
 * `NotificationRecords` over the one table: one BatchGetItem of the
 * notification items by (order, event), for an operator's listing. ElectroDB
 * splits a batch over DynamoDB's 100 keys and retries unprocessed keys.
 */
export class DynamoNotificationRecords implements NotificationRecords {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  find(keys: NotificationKey[]): Promise<NotificationRecord[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return guarded("table", "read notifications", async () => {
      const { data, unprocessed } = await this.#service.entities.notification
        .get(keys.map(({ orderId, eventId }) => ({ orderId, eventId })))
        .go({ ...RAW_ERRORS, consistent: true });
      if (unprocessed.length > 0) throw new Error(`${unprocessed.length} notification reads were left unprocessed`);
      // Stored items and domain records share their attribute names.
      return data as NotificationRecord[];
    });
  }
}
