import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";
import { orderRecordAttributes } from "./order-record-attributes.ts";

/**
 * A later submission of an order id that already has an original. One record
 * per submission: redelivering the same submission finds its record in place.
 */
export const orderDuplicateSchema = {
  model: { entity: "orderDuplicate", version: "1", service: "orders" },
  attributes: orderRecordAttributes,
  indexes: {
    byOrderId: {
      collection: "orderHistory",
      pk: { field: "pk", composite: ["orderId"], casing: "none" },
      sk: { field: "sk", composite: ["submissionId"], casing: "none" },
    },
  },
} as const;

export function orderDuplicateEntity(config: EntityConfiguration) {
  return new Entity(orderDuplicateSchema, config);
}

/** A stored item, as ElectroDB returns it. (Type only: no entity is built at import.) */
export type OrderDuplicateItem = EntityItem<ReturnType<typeof orderDuplicateEntity>>;
