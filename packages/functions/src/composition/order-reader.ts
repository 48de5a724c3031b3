import { DynamoOrderReader } from "@orders/core/adapters/dynamo-order-reader";
import { tableBinding } from "./document-client.ts";
import { once } from "./once.ts";

/** An order's original and history, read without ElectroDB (see `DynamoOrderReader`). */
export const orderReader = once(() => new DynamoOrderReader(tableBinding()));
