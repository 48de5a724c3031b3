import { createHash } from "node:crypto";
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { marshall } from "@aws-sdk/util-dynamodb";
import { canonicalJson } from "@orders/core/domain/canonical-json";
import { handler } from "@orders/functions/api/submit-order";
import { idempotencyKeyOf } from "@orders/functions/http/idempotency-key";
import { anOrder, lambdaContext, postJson } from "@orders/harness/factories";
import { beforeEach, describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamo, sqs } = mockedClients({ dynamo: DynamoDBClient, sqs: SQSClient });
beforeEach(() => {
  sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
  dynamo.on(UpdateItemCommand).resolves({});
});

const order = anOrder();
/** Powertools' validation hash of this test's request: md5 of the JSON of its fingerprint. */
const sameRequest = createHash("md5")
  .update(JSON.stringify(canonicalJson({ body: order, channelHeader: undefined })))
  .digest("base64");

const post = async (key: string) => {
  const response = await handler(postJson("/orders", order, { "idempotency-key": key }), lambdaContext("submit"));
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body ?? "null") };
};

/** The record Powertools finds in place when its conditional put is refused: this route's, unexpired, with `fields`. */
const taken = (fields: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: "taken",
    $metadata: {},
    Item: marshall({ pk: "idempotency#submit-order", sk: "x", expiration: Date.now() / 1000 + 600, ...fields }),
  });

describe("Idempotency-Key", () => {
  it("accepts 1-255 printable ASCII characters and nothing else", () => {
    expect(idempotencyKeyOf({ "idempotency-key": "a b~!" })).toBe("a b~!");
    expect(idempotencyKeyOf({})).toBeUndefined();
    for (const bad of ["", "x".repeat(256), "tab\there", "é"]) {
      expect(() => idempotencyKeyOf({ "idempotency-key": bad })).toThrow("Idempotency-Key");
    }
  });

  it("saves the key in progress, enqueues, then saves the answer", async () => {
    dynamo.on(PutItemCommand).resolves({});
    const answer = await post("k-1");
    expect(answer.status).toBe(202);
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.Item?.pk?.S).toBe("idempotency#submit-order");
    expect(put?.Item?.sk?.S).toMatch(/^submit-order#/);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
  });

  it("answers 409 IDEMPOTENCY_IN_PROGRESS with Retry-After while the first request runs", async () => {
    dynamo
      .on(PutItemCommand)
      .rejects(taken({ status: "INPROGRESS", validation: sameRequest, in_progress_expiration: Date.now() + 60_000 }));
    const answer = await post("k-2");
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect(answer.headers["retry-after"]).toBe("1");
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it("answers 422 IDEMPOTENCY_KEY_REUSED when a completed key comes back with another request", async () => {
    dynamo.on(PutItemCommand).rejects(
      taken({
        status: "COMPLETED",
        validation: "a-hash-of-another-request",
        data: JSON.stringify({ id: "o", submissionId: "s", status: "QUEUED" }),
      }),
    );
    const answer = await post("k-3");
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("answers 503 when the table cannot keep the key", async () => {
    dynamo.on(PutItemCommand).rejects(new Error("ProvisionedThroughputExceeded"));
    const answer = await post("k-4");
    expect(answer.status).toBe(503);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });
});
