import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { announced } from "./client-hooks.ts";
import { once } from "./once.ts";
import { traced } from "./tracing.ts";

/**
 * The low-level DynamoDB client, shared by the table adapters' document
 * client and Powertools' idempotency store. In a module of its own, so that
 * a handler that needs only the client does not bundle ElectroDB.
 */
export const dynamoBaseClient = once(() => announced(traced(new DynamoDBClient({}))));
