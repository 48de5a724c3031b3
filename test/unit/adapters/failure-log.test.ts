import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoFailureLog } from "@orders/core/adapters/dynamo-failure-log";
import { DependencyError } from "@orders/core/domain/errors";
import { describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { documents } = mockedClients({ documents: DynamoDBDocumentClient });
const binding = { client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), table: "t" };

describe("the failure log's read of the dead letters' reasons", () => {
  it("refuses to answer when DynamoDB leaves keys unread, rather than show a message without its reason", async () => {
    // Arrange: the batch read is throttled for one of the two keys.
    documents.on(BatchGetCommand).resolves({
      Responses: { t: [] },
      UnprocessedKeys: { t: { Keys: [{ pk: "$orders#messagekey_m-2", sk: "$failure_1" }] } },
    });
    const log = new DynamoFailureLog({ binding });
    // Act
    const read = log.find(["m-1", "m-2"]);
    // Assert: retryable, as any dependency that failed.
    await expect(read).rejects.toBeInstanceOf(DependencyError);
    await expect(read).rejects.toMatchObject({ cause: { message: "1 failure records were left unread" } });
  });
});
