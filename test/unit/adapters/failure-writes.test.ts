import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { failuresRead, recordFailureWrite } from "@orders/core/adapters/failure-writes";
import type { FailureReport } from "@orders/core/domain/dead-letter";
import { ordersService } from "@orders/core/entities/service";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The hand-built failure-log requests must be exactly what ElectroDB's builder sends (dynamo-failure-log.ts).
const table = "failure-writes-test";
const { failure } = ordersService({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })),
  table,
}).entities;

const text = fc.string({ minLength: 1, maxLength: 40 });
const report = fc.record(
  {
    messageKey: text,
    code: text,
    message: fc.string(),
    at: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    orderId: text,
    submissionId: text,
  },
  { requiredKeys: ["messageKey", "code", "message", "at"] },
) as fc.Arbitrary<FailureReport>;

describe("the failure log's requests, built without ElectroDB", () => {
  it("record a failed attempt as the entity's upsert does", () => {
    fc.assert(
      fc.property(report, (failed) => {
        // Act
        const write = recordFailureWrite(table, failed);

        // Assert
        const built = failure
          .upsert({
            messageKey: failed.messageKey,
            code: failed.code,
            message: failed.message,
            lastFailedAt: failed.at,
            ...(failed.orderId ? { orderId: failed.orderId } : {}),
            ...(failed.submissionId ? { submissionId: failed.submissionId } : {}),
          })
          .ifNotExists({ firstFailedAt: failed.at })
          .add({ attempts: 1 })
          .params();
        expect(write).toEqual(built);
      }),
    );
  });

  it("read messages' failures in the batches the entity's get sends", () => {
    fc.assert(
      fc.property(fc.uniqueArray(text, { minLength: 1, maxLength: 250 }), (messageKeys) => {
        // Act
        const reads = failuresRead(table, messageKeys);

        // Assert
        expect(reads).toEqual(failure.get(messageKeys.map((messageKey) => ({ messageKey }))).params());
      }),
      { numRuns: 30 },
    );
  });
});
