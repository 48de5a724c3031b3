import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { handler } from "@orders/functions/api/health";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { beforeEach, describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamo, s3, sqs } = mockedClients({ dynamo: DynamoDBDocumentClient, s3: S3Client, sqs: SQSClient });

beforeEach(() => {
  dynamo.on(GetCommand).resolves({});
  s3.on(HeadBucketCommand).resolves({});
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "0" } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: linked.OrdersDlq.url }).resolves({
    Attributes: { ApproximateNumberOfMessages: "7" },
  });
});

const check = () => handler(apiEvent({ method: "GET", path: "/health" }), lambdaContext("health"));

describe("GET /health handler", () => {
  it("answers 200 with every check up or down, and no queue depth: the route is public (#16)", async () => {
    const response = await check();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? "null")).toEqual({
      status: "ok",
      checks: { table: "ok", bucket: "ok", queue: "ok", dlq: "ok" },
      failing: [],
    });
    // The DLQ holds 7 messages; a stranger learns nothing of it.
    expect(response.body).not.toMatch(/depth|7/);
  });

  it("answers 503 naming the failing check, and no internals", async () => {
    s3.on(HeadBucketCommand).rejects(new Error("AccessDenied arn:aws:s3:::secret"));
    const response = await check();
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body ?? "null");
    expect(body.failing).toEqual(["bucket"]);
    expect(response.body).not.toContain("secret");
  });
});
