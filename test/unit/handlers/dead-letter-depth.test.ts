import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { handler } from "@orders/functions/admin/dead-letter-depth";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { adminGet, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { sqs } = mockedClients({ sqs: SQSClient });

const get = adminGet(handler, "/admin/dlq/depth", "dead-letter-depth");

describe("GET /admin/dlq/depth handler", () => {
  it("answers an operator the DLQ's depth, read from OrdersDlq alone", async () => {
    // Arrange
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "7" } });
    // Act
    const response = await get();
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ depth: 7 });
    expect(response.headers?.["cache-control"]).toBe("no-store");
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, { QueueUrl: linked.OrdersDlq.url });
    expect(sqs).toHaveReceivedCommandTimes(GetQueueAttributesCommand, 1);
  });

  it("is 401 without the token, and reads nothing", async () => {
    // Act
    const response = await get({});
    // Assert
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain("depth");
    expect(sqs).not.toHaveReceivedCommand(GetQueueAttributesCommand);
  });

  it("is 503 when the queue cannot be read, saying nothing of why", async () => {
    // Arrange
    sqs.on(GetQueueAttributesCommand).rejects(new Error("AccessDenied arn:aws:sqs:secret"));
    // Act
    const response = await get();
    // Assert
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("secret");
  });
});
