import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { accountKey, stockKey } from "@orders/core/adapters/table-writes";
import { anOrder, anOrderWithItems, lambdaContext, postJson, uniqueOrderId } from "@orders/harness/factories";
import { DEMO_PAYEE, localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, inject, it } from "vitest";
import { queueDepth, queuePump } from "../helpers/queue-pump.ts";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
type Handler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof lambdaContext>,
) => Promise<{ statusCode: number; body?: string }>;
const load = async (file: string) =>
  (await import(/* @vite-ignore */ `../../packages/functions/src/${file}.ts`)).handler as Handler;
const submit = await load("api/submit-order");
const verify = await load("admin/order-verify");
const audit = await load("admin/consistency-audit");
const cancel = await load("admin/order-cancel");
const processBatch = (await import("@orders/functions/queue/process-orders")).handler;
const { stockLedger } = await import("@orders/functions/composition/table");
const pump = queuePump(stage.clients.sqs, stage.resources.queue, processBatch);
const drained = async () => (await queueDepth(stage.clients.sqs, stage.resources.queue.url)) === 0;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

async function call(handler: Handler, path: string, id?: string, body?: unknown) {
  const event = { ...postJson(path, body ?? {}, auth), ...(id ? { pathParameters: { id } } : {}) };
  const response = await handler(event, lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? "null") };
}

describe("consistency: one order, and the full audit", () => {
  it("finds confirmed, failed and refunded orders consistent, then names what was corrupted behind its back", async () => {
    // Arrange: one order of each ending.
    const sku = uniqueOrderId("sku").slice(0, 48);
    await stockLedger().setOnHand(sku, 2, new Date().toISOString());
    const confirmed = anOrderWithItems([{ sku, quantity: 1, unitPrice: 4 }]);
    const short = anOrderWithItems([{ sku, quantity: 5, unitPrice: 4 }]);
    const refunded = anOrderWithItems([{ sku, quantity: 1, unitPrice: 4 }]);
    for (const order of [confirmed, short, refunded]) await submit(postJson("/orders", order), lambdaContext());
    await pump.until(drained);
    await call(cancel, `/orders/${refunded.id}/cancel`, refunded.id, { reason: "audit test" });
    await pump.until(drained);

    // Act + Assert: each order agrees with its markers, ledger entries and archived JSON.
    for (const order of [confirmed, short, refunded]) {
      const { status, body } = await call(verify, `/orders/${order.id}/verify-consistency`, order.id);
      expect(status).toBe(200);
      expect(
        body.checks.filter((c: { ok: boolean }) => !c.ok),
        order.id,
      ).toEqual([]);
      expect(body.consistent).toBe(true);
    }
    const clean = await call(audit, "/admin/consistency-audit");
    expect(clean.body.inconsistencies).toEqual([]);
    expect(clean.body.money.depositsCents).toBe(clean.body.money.balancesAndHoldsCents);
    expect(clean.body.key).toMatch(/^reports\/consistency\/.+\.json$/);

    // Corrupt a stock count and a balance, as a stray script might.
    const add = (Key: { pk: string; sk: string }, attribute: string, n: number) =>
      stage.clients.document.send(
        new UpdateCommand({
          TableName: stage.resources.table,
          Key,
          UpdateExpression: `SET ${attribute} = ${attribute} + :n`,
          ExpressionAttributeValues: { ":n": n },
        }),
      );
    await add(stockKey(sku), "reserved", 3);
    await add(accountKey(DEMO_PAYEE), "balance", 100);
    const dirty = await call(audit, "/admin/consistency-audit");
    const named = dirty.body.inconsistencies.map(
      (i: { kind: string; id: string; check: string }) => `${i.kind} ${i.id}: ${i.check}`,
    );
    expect(named).toEqual(
      expect.arrayContaining([
        `stock ${sku}: reserved = Σ held reservations`,
        `stock ${sku}: available = onHand − reserved`,
        `account ${DEMO_PAYEE}: balance + held = Σ ledger`,
        "money all accounts: Σ balance + held + in flight = Σ deposits",
      ]),
    );
  });

  it("names the order whose credit an item reverted to an older copy of itself erased (issue #19)", async () => {
    // Arrange: two orders paying one fresh payee. Between them, the payee's
    // raw item is kept; after the second, it is written back whole: what
    // dynalite's UpdateItem did when its LevelDB store served it a stale copy
    // of the item (a whole-item read-modify-write over an old read).
    const { accountLedger } = await import("@orders/functions/composition/table");
    const accounts = accountLedger();
    const suffix = String(Date.now()).slice(-9);
    const payer = `31${suffix}`;
    const payee = `32${suffix}`;
    const at = new Date().toISOString();
    await accounts.open(payer, at);
    await accounts.open(payee, at);
    await accounts.deposit(payer, `seed-${suffix}`, 10_000, at);
    const payeeKey = accountKey(payee);
    const first = anOrder({ amount: 12.5, fromAccount: payer, toAccount: payee });
    const second = anOrder({ amount: 7.25, fromAccount: payer, toAccount: payee });
    await submit(postJson("/orders", first), lambdaContext());
    await pump.until(drained);
    const { Item: afterFirst } = await stage.clients.document.send(
      new GetCommand({ TableName: stage.resources.table, Key: payeeKey, ConsistentRead: true }),
    );
    await submit(postJson("/orders", second), lambdaContext());
    await pump.until(drained);
    // Act: the stale copy goes back.
    await stage.clients.document.send(new PutCommand({ TableName: stage.resources.table, Item: afterFirst }));
    const report = await call(audit, "/admin/consistency-audit");
    // Assert: each account still agrees with its own entries; only the legs of the second payment disagree.
    const mine = report.body.inconsistencies.filter((i: { id: string }) =>
      [payer, payee, first.id, second.id].includes(i.id),
    );
    expect(mine).toEqual([
      {
        kind: "order",
        id: second.id,
        transferId: `order:${second.id}`,
        check: `transfer order:${second.id} (${payer} → no payee): debit posted = credit`,
        expected: 725,
        actual: 0,
      },
    ]);
  });
});
