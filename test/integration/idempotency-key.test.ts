import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE } from "@orders/core/entities/table-design";
import { anOrder, lambdaContext, postJson } from "@orders/harness/factories";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";
import { FaultSwitch } from "../../packages/local/src/faults.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { handler: submit } = await import("@orders/functions/api/submit-order");
const { sdkClients } = await import("@orders/functions/composition/sdk-clients");
const faults = new FaultSwitch();
faults.attach("SQS", sdkClients().sqs);

let keys = 0;
const aKey = () => `key-${Date.now()}-${++keys} with spaces & symbols!`;

async function post(order: unknown, key?: string) {
  const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
  const response = await submit(postJson("/orders", order, headers), lambdaContext("submit-order"));
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body ?? "null") };
}

/** Every message of this order id on the stage's queue (received and left to reappear). */
async function enqueued(orderId: string): Promise<number> {
  let count = 0;
  for (let round = 0; round < 20; round++) {
    const { Messages = [] } = await stage.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stage.resources.queue.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) break;
    count += Messages.filter((message) => JSON.parse(message.Body ?? "{}").order?.id === orderId).length;
  }
  return count;
}

/** How many of submit's idempotency records are in progress. */
async function inProgress(): Promise<number> {
  const { Items = [] } = await stage.clients.document.send(
    new QueryCommand({
      TableName: stage.resources.table,
      KeyConditionExpression: "pk = :pk",
      FilterExpression: "#status = :running",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":pk": "idempotency#submit-order", ":running": "INPROGRESS" },
    }),
  );
  return Items.length;
}

describe("Idempotency-Key on POST /orders (Powertools idempotency on the one table)", () => {
  it("answers a repeat with the first answer, marked as replayed, and enqueues once", async () => {
    const order = anOrder();
    const key = aKey();
    const first = await post(order, key);
    const again = await post({ ...order }, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await enqueued(order.id)).toBe(1);
  });

  it("keeps each key's record with an expiry in the table's TTL attribute, so that DynamoDB deletes it", async () => {
    // Arrange
    await post(anOrder(), aKey());
    // Act
    const { Items = [] } = await stage.clients.document.send(
      new QueryCommand({
        TableName: stage.resources.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "idempotency#submit-order" },
      }),
    );
    // Assert: epoch seconds, in the future, under the attribute infra/storage.ts declares as the TTL.
    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) {
      expect(typeof item[IDEMPOTENCY_EXPIRY_ATTRIBUTE]).toBe("number");
      expect(item[IDEMPOTENCY_EXPIRY_ATTRIBUTE]).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it("refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const key = aKey();
    const order = anOrder();
    expect((await post(order, key)).status).toBe(202);
    const reused = await post({ ...order, amount: 1 }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("lets exactly one of 50 concurrent requests with one key enqueue; the rest get 409 or the replay", async () => {
    const order = anOrder();
    const key = aKey();
    faults.set(["SQS:SendMessage@latency=200"]);
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(order, key)));
    faults.set([]);
    const accepted = answers.filter((answer) => answer.status === 202);
    const busy = answers.filter((answer) => answer.status === 409);
    expect(accepted.length + busy.length).toBe(50);
    expect(new Set(accepted.map((answer) => answer.body.submissionId)).size).toBe(1);
    expect(accepted.filter((answer) => answer.headers["idempotent-replayed"] !== "true")).toHaveLength(1);
    for (const answer of busy) {
      expect(answer.body.error).toBe("IDEMPOTENCY_IN_PROGRESS");
      expect(answer.headers["retry-after"]).toBe("1");
    }
    expect(busy.length).toBeGreaterThan(0);
    expect(await enqueued(order.id)).toBe(1);
  });

  it("keeps the first request's record when a concurrent one is refused (Powertools #5675)", async () => {
    const order = anOrder();
    const key = aKey();
    faults.set(["SQS:SendMessage@latency=1000"]);
    const slow = post(order, key);
    // The second request goes once the first one's record is written (not after a sleep, which a loaded machine
    // can outrun): it is the only one in progress, this file's other requests having ended.
    await expect.poll(inProgress, { timeout: 5_000, interval: 20 }).toBe(1);
    const refused = await post(order, key);
    const first = await slow;
    faults.set([]);
    expect(refused.status).toBe(409);
    // Had the refusal deleted the in-progress record, this would run again with a new submission id.
    const later = await post(order, key);
    expect(later.body.submissionId).toBe(first.body.submissionId);
    expect(later.headers["idempotent-replayed"]).toBe("true");
    expect(await enqueued(order.id)).toBe(1);
  });

  it("lets a failed first request be retried with the same key", async () => {
    const order = anOrder();
    const key = aKey();
    faults.set(["SQS:SendMessage"]);
    const failed = await post(order, key);
    faults.set([]);
    expect(failed.status).toBe(503);
    const retried = await post(order, key);
    expect(retried.status).toBe(202);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("refuses a malformed key, and without a key submits every time", async () => {
    const order = anOrder();
    expect((await post(order, "")).status).toBe(400);
    expect((await post(order, "x".repeat(256))).status).toBe(400);
    expect((await post(order, "naïve")).status).toBe(400);
    const [a, b] = [await post(order), await post(order)];
    expect(a.body.submissionId).not.toBe(b.body.submissionId);
  });
});
