import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";

// A write DynamoDB refuses as invalid (here: an account item at the 400 KB
// limit) fails the same way on every retry. It must be reported as what it
// is, TABLE_REJECTED with DynamoDB's reason, and never as TABLE_UNAVAILABLE,
// which says "retry later" (issue #20: 872 orders went to the DLQ as
// TABLE_UNAVAILABLE when a merchant's item reached the limit).
const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { accountLedger } = await import("@orders/functions/composition/table");

describe("a write the table refuses as invalid", () => {
  it("is TABLE_REJECTED, with DynamoDB's reason, on both backends", async () => {
    // Arrange: a payee whose item is a few bytes short of 400 KB.
    const accounts = accountLedger();
    const payee = `4${String(Date.now()).slice(-11)}`;
    const at = new Date().toISOString();
    await accounts.open(payee, at);
    // Each emulator counts an item's size its own way: fill it to within 32 bytes of the limit, whatever the count.
    const pad = (name: string, length: number) =>
      stage.clients.document.send(
        new UpdateCommand({
          TableName: stage.resources.table,
          Key: { pk: `$orders#accountId_${payee}`, sk: "$account_1" },
          UpdateExpression: "SET #pad = :pad",
          ExpressionAttributeNames: { "#pad": name },
          ExpressionAttributeValues: { ":pad": "x".repeat(length) },
        }),
      );
    await pad("pad", 380 * 1024);
    for (let length = 16_384, n = 0; length >= 32; length /= 2, n++) {
      // Adds a pad only where it still fits: the item ends within 32 bytes of the limit.
      await pad(`pad${n}`, length).catch(() => undefined);
    }
    // Act
    const credit = accounts.credit(payee, "order:too-big", 100, "too-big", at);
    // Assert
    await expect(credit).rejects.toMatchObject({
      name: "DependencyRejectedError",
      code: "TABLE_REJECTED",
      message: expect.stringMatching(/^table: credit payee refused: .*size/i),
    });
    expect((await accounts.find(payee))?.balanceCents).toBe(0);
  });
});
