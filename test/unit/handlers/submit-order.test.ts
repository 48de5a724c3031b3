import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { handler } from "@orders/functions/api/submit-order";
import { anOrder, apiEvent, lambdaContext, postJson, TEST_OPERATOR } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { sqs } = mockedClients({ sqs: SQSClient });

const invoke = (event: ReturnType<typeof apiEvent>) => handler(event, lambdaContext("submit-order"));
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? "null");

describe("POST /orders handler", () => {
  it("puts the order on OrdersQueue and answers 202 with a Location", async () => {
    // Arrange
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
    const order = anOrder();
    // Act
    const response = await invoke(postJson("/orders", order));
    // Assert
    expect(response.statusCode).toBe(202);
    expect(response.headers?.location).toBe(`/orders/${order.id}`);
    const body = bodyOf(response);
    expect(body).toEqual({ id: order.id, submissionId: expect.any(String), status: "QUEUED" });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: linked.OrdersQueue.url });
    const sent = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? "null");
    expect(sent).toMatchObject({ submissionId: body.submissionId, channel: "web", order });
  });

  it("takes the channel from X-Channel when the body has none", async () => {
    sqs.on(SendMessageCommand).resolves({});
    const { channel: _, ...order } = anOrder();
    await invoke(postJson("/orders", order, { "X-Channel": "mobile" }));
    const sent = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? "null");
    expect(sent.channel).toBe("mobile");
  });

  it("reads a base64-encoded body", async () => {
    sqs.on(SendMessageCommand).resolves({});
    const order = anOrder();
    const event = apiEvent({
      method: "POST",
      path: "/orders",
      body: Buffer.from(JSON.stringify(order)).toString("base64"),
      isBase64Encoded: true,
      headers: { "content-type": "application/json; charset=utf-8" },
      caller: TEST_OPERATOR,
    });
    expect((await invoke(event)).statusCode).toBe(202);
  });

  it.each([
    ["not JSON", postJson("/orders", "{nope"), 400, "INVALID_JSON"],
    ["an empty body", postJson("/orders", ""), 400, "INVALID_JSON"],
    ["a JSON array", postJson("/orders", "[1]"), 400, "BODY_NOT_OBJECT"],
    ["a JSON string", postJson("/orders", '"x"'), 400, "BODY_NOT_OBJECT"],
    ["no id", postJson("/orders", { amount: 5 }), 400, "INVALID_INPUT"],
    ["a bad id", postJson("/orders", { id: "../../x" }), 400, "INVALID_INPUT"],
    ["a bad channel header", postJson("/orders", { id: "a" }, { "x-channel": "fax" }), 400, "INVALID_INPUT"],
    ["a __proto__ key", postJson("/orders", '{"id":"a","__proto__":{"x":1}}'), 400, "INVALID_JSON"],
    [
      "text/plain",
      apiEvent({
        method: "POST",
        path: "/orders",
        body: "{}",
        headers: { "content-type": "text/plain" },
        caller: TEST_OPERATOR,
      }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "no content type",
      apiEvent({ method: "POST", path: "/orders", body: "{}", caller: TEST_OPERATOR }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    ["a body over 64 KB", postJson("/orders", { id: "big", pad: "x".repeat(64 * 1024) }), 413, "PAYLOAD_TOO_LARGE"],
  ])("refuses %s with a JSON error and enqueues nothing", async (_name, event, status, code) => {
    const response = await invoke(event);
    expect(response.statusCode).toBe(status);
    expect(response.headers?.["content-type"]).toBe("application/json");
    expect(bodyOf(response)).toMatchObject({ error: code, message: expect.any(String) });
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it("answers 503, not 500, when the queue is down, without SDK internals", async () => {
    sqs.on(SendMessageCommand).rejects(new Error("getaddrinfo ENOTFOUND sqs.internal"));
    const response = await invoke(postJson("/orders", anOrder()));
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toEqual({ error: "QUEUE_UNAVAILABLE", message: expect.any(String) });
    expect(response.body).not.toContain("ENOTFOUND");
  });
});

describe("POST /orders handler, by caller (#16)", () => {
  const mallory = { kind: "customer", subject: "mallory", account: "2222222" } as const;

  it("refuses a customer paying from another's account with 403, and queues nothing", async () => {
    sqs.on(SendMessageCommand).resolves({});
    const response = await invoke(
      postJson("/orders", anOrder({ id: "2222222-x", fromAccount: "1111111" }), {}, mallory),
    );
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? "null").error).toBe("FORBIDDEN");
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it("refuses a customer's id outside its own space with 400, and queues nothing", async () => {
    const response = await invoke(
      postJson("/orders", anOrder({ id: "1111111-x", fromAccount: "2222222" }), {}, mallory),
    );
    expect(response.statusCode).toBe(400);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it("queues a customer's own order, stamped with who submitted it", async () => {
    sqs.on(SendMessageCommand).resolves({});
    const response = await invoke(
      postJson("/orders", anOrder({ id: "2222222-x", fromAccount: "2222222" }), {}, mallory),
    );
    expect(response.statusCode).toBe(202);
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? "";
    expect(JSON.parse(sent).submittedBy).toBe("customer:mallory");
  });
});
