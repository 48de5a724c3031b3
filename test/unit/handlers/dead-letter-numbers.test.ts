import { randomUUID } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { anOrder, anOrderMessage, lambdaContext, postJson } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

// A stage may configure any maxAmount: this one is set far past what cents can count exactly.
vi.mock("../../../packages/functions/src/composition/settings.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../packages/functions/src/composition/settings.ts")>();
  const { createOrderValidator } = await import("@orders/core/domain/validation");
  const validator = createOrderValidator({ maxAmount: 1e16 });
  return { ...original, orderValidator: () => validator };
});

const { handler: dryRun } = await import("@orders/functions/admin/dry-run-dead-letter");
const { handler: edit } = await import("@orders/functions/admin/edit-dead-letter");

const { sqs, dynamo } = mockedClients({ sqs: SQSClient, dynamo: DynamoDBDocumentClient });
const auth = { authorization: `Bearer ${linked.AdminToken.value}`, "x-operator": "unit test" };

/** One dead letter in OrdersDlq, whatever order it carries. */
function deadLetterOf(order: Record<string, unknown> & { id: string }) {
  const messageId = randomUUID();
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: [
        {
          MessageId: messageId,
          ReceiptHandle: "handle",
          Body: JSON.stringify(anOrderMessage(order)),
          Attributes: { ApproximateReceiveCount: "3", SentTimestamp: String(Date.now()) },
        },
      ],
    })
    .resolves({ Messages: [] });
  return messageId;
}

beforeEach(() => {
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: randomUUID() });
  sqs.on(DeleteMessageCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(PutCommand).resolves({});
});

// Amounts and prices that cannot be counted in cents or stored exactly, and lines whose sum overflows.
const unstorable: [string, Record<string, unknown>][] = [
  ["amount 2^53+1", { amount: 2 ** 53 + 1 }],
  ["amount 1e300", { amount: 1e300 }],
  ["amount 1e17", { amount: 1e17 }],
  ["unitPrice 290665216.54", { amount: 290665216.54, items: [{ sku: "KB-01", quantity: 1, unitPrice: 290665216.54 }] }],
  ["a quantity past any stock", { amount: 9e15, items: [{ sku: "KB-01", quantity: 9e15, unitPrice: 1 }] }],
  [
    "50 lines whose total overflows",
    {
      amount: 50 * 10_000 * 9e9,
      items: Array.from({ length: 50 }, (_, i) => ({ sku: `S${i}`, quantity: 10_000, unitPrice: 9e9 })),
    },
  ],
];

describe("the DLQ admin routes on amounts that cannot be stored exactly", () => {
  it.each(unstorable)(
    "dry-run of an order with %s says it is invalid, and why (200, not 500)",
    async (_name, change) => {
      // Arrange
      const id = deadLetterOf(anOrder(change));
      const event = { ...postJson(`/admin/dlq/${id}/dry-run`, undefined, auth), pathParameters: { id } };
      // Act
      const answer = await dryRun(event, lambdaContext());
      // Assert
      expect(answer.statusCode).toBe(200);
      const body = JSON.parse(answer.body ?? "null");
      expect(body).toMatchObject({ readable: true, valid: false, wouldWriteS3: false });
      expect(body.errors.length).toBeGreaterThan(0);
    },
  );

  it.each(unstorable)(
    "edit to an order with %s is refused with its reasons (422), and nothing moves",
    async (_name, change) => {
      // Arrange
      const order = anOrder(change);
      const id = deadLetterOf(order);
      const event = { ...postJson(`/admin/dlq/${id}/edit`, { order }, auth), pathParameters: { id } };
      // Act
      const response = await edit(event, lambdaContext());
      // Assert
      expect(response.statusCode).toBe(422);
      const body = JSON.parse(response.body ?? "null");
      expect(body.error).toBe("ORDER_REJECTED");
      expect(body.details.map((detail: { field: string }) => detail.field)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(amount|items\.\d+(\.\w+)?)$/)]),
      );
      expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
    },
  );
});
