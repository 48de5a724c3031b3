import type { OrderRecord } from "../domain/order.ts";
import { orderEventsOf } from "../domain/order-events.ts";
import type { OrderEventPublisher } from "../ports.ts";

/**
 * The saga's last step: publishes the events an ended order implies, with
 * ids derived from the order (nothing for one still running). Every path
 * that ends an order calls it before it lets go of its message, and calls it
 * again when a redelivery finds the order already ended, so a process that
 * dies between the state change and the publish loses no event.
 */
export async function announceOrder(record: OrderRecord, events: OrderEventPublisher): Promise<void> {
  const implied = orderEventsOf(record);
  if (implied.length > 0) await events.publish(implied);
}
