import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { TableBinding } from "@orders/core/entities/service";
import { Resource } from "sst";
import { dynamoBaseClient } from "./dynamo-client.ts";
import { once } from "./once.ts";

/** The DynamoDB client of every table adapter. */
export const dynamoClient = once(() => DynamoDBDocumentClient.from(dynamoBaseClient()));

/**
 * The table and its client, for the adapters that send plain commands. In a
 * module of its own, apart from table.ts, so that a handler that needs only
 * those (GET /orders/{id}) does not load ElectroDB and build its entities.
 */
export const tableBinding = once((): TableBinding => ({ client: dynamoClient(), table: Resource.OrdersTable.name }));
