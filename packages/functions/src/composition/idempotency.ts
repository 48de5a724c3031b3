import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE } from "@orders/core/entities/idempotency-record";
import { Resource } from "sst";
import { dynamoBaseClient } from "./dynamo-client.ts";
import { once } from "./once.ts";

/**
 * Where Powertools keeps the Idempotency-Key records of POST /orders: the one
 * table, under a partition of their own (the table has a sort key, so
 * Powertools puts every record under one static partition key and the key's
 * hash in `sk`; DynamoDB splits a hot partition by sort-key range).
 */
export const submissionIdempotencyStore = once(
  () =>
    new DynamoDBPersistenceLayer({
      tableName: Resource.OrdersTable.name,
      keyAttr: "pk",
      sortKeyAttr: "sk",
      staticPkValue: "idempotency#submit-order",
      // The table's TTL attribute (infra/storage.ts): DynamoDB deletes a record once its expiry passes.
      expiryAttr: IDEMPOTENCY_EXPIRY_ATTRIBUTE,
      awsSdkV3Client: dynamoBaseClient(),
    }),
);
