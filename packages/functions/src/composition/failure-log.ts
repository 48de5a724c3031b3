import { DynamoFailureLog } from "@orders/core/adapters/dynamo-failure-log";
import { tableBinding } from "./document-client.ts";
import { once } from "./once.ts";

/** Why each message failed: written only when one does, with plain commands (no ElectroDB). */
export const failureLog = once(() => new DynamoFailureLog({ binding: tableBinding() }));
