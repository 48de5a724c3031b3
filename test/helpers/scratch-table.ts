import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * A client of the DynamoDB emulator at `endpoint`, with the dummy credentials
 * every emulator takes; `maxAttempts: 1` shows a refusal as it comes, unretried.
 */
export function emulatorClient(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    ...options,
  });
}

/** Creates `TableName`, keyed by a string `pk` alone and billed per request: a table for a test of the emulator itself. */
export async function createScratchTable(client: DynamoDBClient, TableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
}
