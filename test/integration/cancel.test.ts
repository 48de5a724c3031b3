import {
  anOrderWithItems,
  apiEvent,
  lambdaContext,
  postJson,
  TEST_OPERATOR,
  uniqueOrderId,
} from "@orders/harness/factories";
import { DEMO_PAYEE, DEMO_PAYER, localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, inject, it } from "vitest";
import { queueDepth, queuePump } from "../helpers/queue-pump.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
type Handler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof lambdaContext>,
) => Promise<{
  statusCode: number;
  body?: string;
}>;
const load = async (file: string) =>
  (await import(/* @vite-ignore */ `../../packages/functions/src/${file}.ts`)).handler as Handler;
const submit = await load("api/submit-order");
const get = await load("api/get-order");
const cancelRoute = await load("admin/order-cancel");
const processBatch = (await import("@orders/functions/queue/process-orders")).handler;
const { accountLedger, stockLedger } = await import("@orders/functions/composition/table");
const pump = queuePump(stage.clients.sqs, stage.resources.queue, processBatch);
const drained = async () => (await queueDepth(stage.clients.sqs, stage.resources.queue.url)) === 0;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

async function call(handler: Handler, event: APIGatewayProxyEventV2) {
  const response = await handler(event, lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? "null") };
}
const lookup = (id: string) =>
  call(get, apiEvent({ method: "GET", path: `/orders/${id}`, pathParameters: { id }, caller: TEST_OPERATOR }));
const cancel = (id: string, reason = "customer changed their mind") =>
  call(cancelRoute, { ...postJson(`/orders/${id}/cancel`, { reason }, auth), pathParameters: { id } });

async function anOrderOfOneUnit() {
  const sku = uniqueOrderId("sku").slice(0, 48);
  await stockLedger().setOnHand(sku, 3, new Date().toISOString());
  return { sku, order: anOrderWithItems([{ sku, quantity: 1, unitPrice: 12.5 }]) };
}

const balances = async () => ({
  payer: (await accountLedger().find(DEMO_PAYER))?.balanceCents,
  payee: (await accountLedger().find(DEMO_PAYEE))?.balanceCents,
});

describe("POST /orders/{id}/cancel against the emulators", () => {
  it("refunds a confirmed order through the queue: money back, stock back, CANCELLED with refunded", async () => {
    const { sku, order } = await anOrderOfOneUnit();
    const before = await balances();
    await call(submit, postJson("/orders", order));
    await pump.until(drained);
    expect((await lookup(order.id)).body.order.status).toBe("CONFIRMED");

    const answer = await cancel(order.id);
    expect(answer).toEqual({ status: 202, body: { id: order.id, status: "CANCELLING" } });
    expect((await cancel(order.id)).status).toBe(200);
    await pump.until(drained);

    const { body } = await lookup(order.id);
    expect(body.order).toMatchObject({
      status: "CANCELLED",
      refunded: true,
      cancellation: { reason: "customer changed their mind" },
    });
    expect(body.reservations).toEqual([{ sku, quantity: 1, status: "RETURNED" }]);
    expect(body.saga.map((entry: { step: string }) => entry.step)).toEqual(
      expect.arrayContaining(["confirm", "cancel", "refund", "restock"]),
    );
    expect(await stockLedger().find(sku)).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await balances()).toEqual(before);
  });

  it("refuses to cancel a failed order, and says why", async () => {
    const order = anOrderWithItems([{ sku: uniqueOrderId("none").slice(0, 40), quantity: 1, unitPrice: 1 }]);
    await call(submit, postJson("/orders", order));
    await pump.until(drained);
    const refused = await cancel(order.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: "ORDER_NOT_CANCELLABLE", details: [{ code: "FAILED" }] });
    expect((await cancel("never-submitted-order")).status).toBe(404);
    expect((await cancel(order.id, "")).status).toBe(400);
  });

  it("needs the admin token", async () => {
    const response = await cancelRoute(
      { ...postJson("/orders/x/cancel", { reason: "x" }, {}, null), pathParameters: { id: "x" } },
      lambdaContext(),
    );
    expect(response.statusCode).toBe(401);
  });
});
