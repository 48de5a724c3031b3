import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { markerKey } from "@orders/core/adapters/marker-keys";
import {
  accountIdsRead,
  addFundsWrite,
  claimWrite,
  commitWrite,
  type Fence,
  holdWrite,
  postWrite,
  reserveWrite,
  resolveWrite,
} from "@orders/core/adapters/table-writes";
import type { OrderRecord, OrderResolution } from "@orders/core/domain/order";
import { ordersService } from "@orders/core/entities/service";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The hand-built writes must be exactly what ElectroDB's builder sends for the same call.
const table = "orders-test-table";
const { stock, account, order } = ordersService({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })),
  table,
}).entities;
const rejectedOrRead = { returnOnConditionCheckFailure: "all_old", response: "none" } as const;
/** A write that adds or settles a marker asks for the item after it, to see whether it is time to archive. */
const rejectedOrNew = { returnOnConditionCheckFailure: "all_old", response: "all_new" } as const;
const at = "2026-11-30T12:00:00.000Z";

const sku = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const accountId = fc.stringMatching(/^\d{7,20}$/);
const orderId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const quantity = fc.integer({ min: 1, max: 10_000 });
const cents = fc.integer({ min: 1, max: 100_000_000 });
/** The fence of a write that adds a marker: an item never archived (gen 0, absent) or archived `gen` times. */
const fenceArb = fc.record({ gen: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })), cap: fc.constant(20) });

/** The fence's `gen` condition as ElectroDB writes it. */
// biome-ignore lint/suspicious/noExplicitAny: ElectroDB's where-operation types are internal; the call is checked by the params it builds.
const genIs = (fence: Fence, gen: any, op: any): string =>
  fence.gen === 0 ? op.notExists(gen) : op.eq(gen, fence.gen);

/** The names of a hand-built update are a prototype-less dictionary: compared as a plain object. */
const plain = (write: UpdateCommandInput) => ({
  ...write,
  ExpressionAttributeNames: { ...write.ExpressionAttributeNames },
});

describe("hand-built table writes", () => {
  it("reserve and commit stock as ElectroDB's patch does", () => {
    fc.assert(
      fc.property(sku, orderId, quantity, fenceArb, (s, id, q, fence) => {
        // Arrange
        const key = markerKey(id);
        // Act
        const reserve = reserveWrite(table, s, key, q, `H${q}`, at, fence);
        const commit = commitWrite(table, s, key, q, { held: `H${q}`, committed: `C${q}` }, at);
        // Assert
        const electroReserve = stock
          .patch({ sku: s })
          .data((item, op) => {
            op.add(item.available, -q);
            op.add(item.reserved, q);
            op.set(item.holds[key], `H${q}`);
            op.set(item.updatedAt, at);
          })
          .where(
            (item, op) =>
              `${op.gte(item.available, q)} AND ${op.notExists(item.holds[key])} AND ${genIs(fence, item.gen, op)} AND ${op.size(item.holds)} < ${op.value(item.holds, fence.cap)}`,
          )
          .params(rejectedOrNew);
        const electroCommit = stock
          .patch({ sku: s })
          .data((item, op) => {
            op.add(item.onHand, -q);
            op.add(item.reserved, -q);
            op.set(item.holds[key], `C${q}`);
            op.set(item.updatedAt, at);
          })
          .where((item, op) => op.eq(item.holds[key], `H${q}`))
          .params(rejectedOrNew);
        expect(plain(reserve)).toStrictEqual(electroReserve);
        expect(plain(commit)).toStrictEqual(electroCommit);
      }),
      { numRuns: 50 },
    );
  });

  it("hold, post and credit payments as ElectroDB's patch does", () => {
    fc.assert(
      fc.property(accountId, orderId, cents, fenceArb, (payer, id, amount, fence) => {
        // Arrange
        const transferId = `order:${id}`;
        const key = markerKey(transferId);
        const entry = { id: transferId, k: "DEBIT", a: amount, s: "HELD", t: at, o: id };
        // Act
        const hold = holdWrite(table, payer, key, amount, entry, at, fence);
        const post = postWrite(table, payer, key, amount, at);
        const credit = addFundsWrite(table, payer, key, amount, { ...entry, k: "CREDIT", s: "POSTED" }, at, fence);
        // Assert
        expect(plain(hold)).toStrictEqual(
          account
            .patch({ accountId: payer })
            .data((item, op) => {
              op.add(item.balance, -amount);
              op.add(item.held, amount);
              op.set(item.transfers[key], entry);
              op.set(item.updatedAt, at);
            })
            .where(
              (item, op) =>
                `${op.gte(item.balance, amount)} AND ${op.notExists(item.transfers[key])} AND ${genIs(fence, item.gen, op)} AND ${op.size(item.transfers)} < ${op.value(item.transfers, fence.cap)}`,
            )
            .params(rejectedOrNew),
        );
        expect(plain(post)).toStrictEqual(
          account
            .patch({ accountId: payer })
            .data((item, op) => {
              op.add(item.held, -amount);
              op.set(item.transfers[key].s, "POSTED");
              op.set(item.updatedAt, at);
            })
            .where((item, op) => `${op.eq(item.transfers[key].s, "HELD")} AND ${op.eq(item.transfers[key].a, amount)}`)
            .params(rejectedOrNew),
        );
        expect(plain(credit)).toStrictEqual(
          account
            .patch({ accountId: payer })
            .data((item, op) => {
              op.add(item.balance, amount);
              op.set(item.transfers[key], { ...entry, k: "CREDIT", s: "POSTED" });
              op.set(item.updatedAt, at);
            })
            .where(
              (item, op) =>
                `${op.notExists(item.transfers[key])} AND ${genIs(fence, item.gen, op)} AND ${op.size(item.transfers)} < ${op.value(item.transfers, fence.cap)}`,
            )
            .params(rejectedOrNew),
        );
      }),
      { numRuns: 50 },
    );
  });

  it("reads account ids and archive generations as ElectroDB's batch get does", () => {
    // Arrange
    const ids = ["1111111", "7777777"];
    // Act
    const read = accountIdsRead(table, ids);
    // Assert
    const [electro] = account.get(ids.map((id) => ({ accountId: id }))).params({ attributes: ["accountId", "gen"] });
    expect(read).toStrictEqual(electro);
  });

  const pending: OrderRecord & { sweepShard: number } = {
    orderId: "order-1",
    submissionId: "5b2b8f1e-6f5d-4a8e-9d6a-2f0c1a7e9b10",
    channel: "web",
    payload: '{"id":"order-1"}',
    amount: 25,
    fromAccount: "1111111",
    toAccount: "7777777",
    valid: true,
    isDuplicate: false,
    errors: [],
    status: "PENDING",
    s3Key: "orders/order-1.json",
    amountCents: 2500,
    lines: [{ sku: "KB-01", quantity: 2, unitPriceCents: 1250 }],
    receivedAt: at,
    processedAt: at,
    sweepShard: 5,
  };
  const rejected: OrderRecord & { sweepShard: number } = {
    ...pending,
    orderId: "Order.2",
    payload: '{"id":"Order.2","amount":-5}',
    amount: undefined,
    fromAccount: undefined,
    valid: false,
    errors: [{ field: "amount", code: "too_small", message: "amount must be greater than 0" }],
    status: "REJECTED",
    s3Key: undefined,
    amountCents: undefined,
    lines: undefined,
    sweepShard: 2,
  };

  /**
   * ElectroDB's create of an original. An index with a condition needs every
   * composite once any is given, and `receivedAt` and `orderId` always are:
   * ElectroDB refuses an original with no `fromAccount` or `toAccount` (a
   * rejected order may have none). An empty account fails the condition as a
   * missing one does, so it stands in for it, and is taken out again.
   */
  const electroCreate = (record: OrderRecord & { sweepShard: number }) => {
    const missing = (["fromAccount", "toAccount"] as const).filter((name) => record[name] === undefined);
    const params = order
      .create({ ...record, ...Object.fromEntries(missing.map((name) => [name, ""])) })
      .params({ returnOnConditionCheckFailure: "all_old" });
    for (const name of missing) delete params.Item[name];
    return params;
  };

  it.each([
    ["a PENDING original, in the pending index", pending],
    ["a REJECTED original, with no index keys and no undefined attributes", rejected],
  ])("claims %s as ElectroDB's create does", (_, record) => {
    // Act
    const claim = claimWrite(table, record);
    // Assert
    expect(claim).toStrictEqual(electroCreate(record));
  });

  const log = [
    { step: "accounts" as const, outcome: "OK", attempt: 1, at },
    { step: "reserve" as const, outcome: "HELD", attempt: 1, at, detail: "KB-01 ×2" },
  ];
  const confirmed: OrderResolution = {
    status: "CONFIRMED",
    failure: undefined,
    saga: log,
    payment: { status: "POSTED", amountCents: 2500 },
    reservations: [{ sku: "KB-01", quantity: 2, status: "COMMITTED" }],
    resolvedAt: at,
  };
  const failed: OrderResolution = {
    status: "FAILED",
    failure: {
      code: "OUT_OF_STOCK",
      message: "Not enough stock for KB-01",
      details: [{ sku: "KB-01", requested: 2, available: 1 }],
    },
    saga: log,
    payment: undefined,
    reservations: [{ sku: "KB-01", quantity: 2, status: "RELEASED" }],
    resolvedAt: at,
  };

  it.each([
    ["a confirmed saga", confirmed, "PENDING"],
    ["a failed saga with no payment", failed, "PENDING"],
    ["a failed saga with a voided payment", { ...failed, payment: { status: "VOIDED", amountCents: 2500 } }, "PENDING"],
    ["a saga cancelled while it ran", { ...failed, status: "CANCELLED" }, "CANCELLING"],
  ] as [string, OrderResolution, "PENDING" | "CANCELLING"][])(
    "resolves %s as ElectroDB's patch does",
    (_, resolution, from) => {
      // Act
      const write = resolveWrite(table, pending, resolution, 5, from);
      // Assert
      const { saga, failure, payment, ...fields } = resolution;
      const electro = order
        .patch({ orderId: pending.orderId })
        .set({
          ...fields,
          ...(failure ? { failure } : {}),
          ...(payment ? { payment } : {}),
          receivedAt: pending.receivedAt,
          sweepShard: 5,
          fromAccount: pending.fromAccount,
          toAccount: pending.toAccount,
        })
        .append({ saga })
        .where((item, op) => op.eq(item.status, from as OrderRecord["status"]))
        .params(rejectedOrRead);
      expect(write).toStrictEqual(electro);
    },
  );

  const receivedAt = fc
    .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
    .map((date) => date.toISOString());
  const anyAccount = fc.oneof(accountId, fc.constant(undefined), fc.stringMatching(/^[0-9a-z]{1,6}$/));

  it("claims any original with the listing indexes' keys ElectroDB writes, and only for well-formed accounts", () => {
    fc.assert(
      fc.property(
        orderId,
        anyAccount,
        anyAccount,
        receivedAt,
        fc.constantFrom("PENDING", "REJECTED") as fc.Arbitrary<"PENDING" | "REJECTED">,
        (id, from, to, received, status) => {
          // Arrange
          const record = { ...pending, orderId: id, fromAccount: from, toAccount: to, receivedAt: received, status };
          // Act
          const claim = claimWrite(table, record);
          // Assert
          expect(claim).toStrictEqual(electroCreate(record));
          expect("gsi2pk" in (claim.Item ?? {})).toBe(from !== undefined && /^\d{7,20}$/.test(from));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("resolves and cancels any original keeping its listing keys as ElectroDB's patch does", () => {
    fc.assert(
      fc.property(orderId, accountId, accountId, receivedAt, (id, from, to, received) => {
        // Arrange
        const record = { ...pending, orderId: id, fromAccount: from, toAccount: to, receivedAt: received };
        const { saga, failure: _, payment, ...fields } = confirmed;
        // Act
        const write = resolveWrite(table, record, confirmed, 3);
        // Assert
        const electro = order
          .patch({ orderId: id })
          .set({ ...fields, payment, receivedAt: received, sweepShard: 3, fromAccount: from, toAccount: to })
          .append({ saga })
          .where((item, op) => op.eq(item.status, "PENDING"))
          .params(rejectedOrRead);
        expect(write).toStrictEqual(electro);
        expect(write.ExpressionAttributeValues?.[":gsi2sk_u0"]).toBe(`$order_1#receivedAt_${received}#orderId_${id}`);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses to resolve an original whose account id is malformed (no saga runs on one)", () => {
    expect(() => resolveWrite(table, { ...pending, toAccount: "12" }, confirmed, 5)).toThrow(/malformed account id/);
  });
});
