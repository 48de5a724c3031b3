import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { originalRecord } from "@orders/core/domain/order-records";
import { createOrderValidator } from "@orders/core/domain/validation";
import { anOrder, anOrderMessage } from "@orders/harness/factories";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const validate = createOrderValidator({ maxAmount: 1_000_000 });

const account = fc.stringMatching(/^\d{7,20}$/);
const cents = fc.integer({ min: 1, max: 100_000_000 }).map((n) => n / 100);
const validOrder = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/).filter((id) => id !== "." && id !== ".."),
    amount: cents,
    fromAccount: account,
    toAccount: account,
    channel: fc.constantFrom("web", "mobile", "atm", "api"),
  })
  .filter((order) => order.fromAccount !== order.toAccount);

function codesOf(order: unknown) {
  const result = validate(order);
  return result.valid ? [] : result.errors.map((error) => `${error.field}:${error.code}`);
}

describe("order validation", () => {
  it("accepts the documents' example order", () => {
    // Arrange
    const order = { id: "order-001", amount: 2580, fromAccount: "1111111", toAccount: "7777777", channel: "web" };
    // Act
    const result = validate(order);
    // Assert
    expect(result).toEqual({ valid: true, order });
  });

  it.each([
    ["negative amount", { amount: -5 }, ["amount:too_small"]],
    ["zero amount", { amount: 0 }, ["amount:too_small"]],
    ["three decimals", { amount: 10.125 }, ["amount:too_many_decimals"]],
    ["amount over the maximum", { amount: 1_000_000.01 }, ["amount:too_big"]],
    ["amount as a string", { amount: "12" }, ["amount:invalid_type"]],
    ["missing amount", { amount: undefined }, ["amount:required"]],
    ["short account", { fromAccount: "123" }, ["fromAccount:invalid_format"]],
    ["account with letters", { toAccount: "12345a7" }, ["toAccount:invalid_format"]],
    ["account as a number", { toAccount: 7777777 }, ["toAccount:invalid_type"]],
    ["missing account", { fromAccount: undefined }, ["fromAccount:required"]],
    ["same accounts", { toAccount: "1111111" }, ["toAccount:same_account"]],
    ["unknown channel", { channel: "fax" }, ["channel:invalid_value"]],
  ])("rejects %s with its reason", (_name, change, expected) => {
    expect(codesOf(anOrder(change))).toEqual(expected);
  });

  it("accepts exactly the maximum amount and amounts with two decimals", () => {
    expect(validate(anOrder({ amount: 1_000_000 })).valid).toBe(true);
    expect(validate(anOrder({ amount: 25.8 })).valid).toBe(true);
    expect(validate(anOrder({ amount: 0.01 })).valid).toBe(true);
  });

  it("honours a configured maximum", () => {
    const strict = createOrderValidator({ maxAmount: 100 });
    expect(strict(anOrder({ amount: 100.01 }))).toMatchObject({ valid: false });
    expect(strict(anOrder({ amount: 100 }))).toMatchObject({ valid: true });
  });

  it("gives every failing rule a field, a code and a message", () => {
    const result = validate({ id: "x", amount: Number.NaN, fromAccount: 1, toAccount: null });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.errors.map((error) => error.field).sort()).toEqual(["amount", "fromAccount", "toAccount"]);
    for (const error of result.errors) {
      expect(error.code).toMatch(/^[a-z_]+$/);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  describe("properties", () => {
    it("accepts every well-formed order", () => {
      fc.assert(fc.property(validOrder, (order) => validate(order).valid));
    });

    it("rejects any amount with more than two decimals", () => {
      const tooPrecise = fc
        .integer({ min: 1, max: 10_000_000 })
        .filter((n) => n % 10 !== 0)
        .map((n) => n / 1000);
      fc.assert(
        fc.property(validOrder, tooPrecise, (order, amount) =>
          codesOf({ ...order, amount }).includes("amount:too_many_decimals"),
        ),
      );
    });

    it("rejects any account that is not 7 to 20 digits", () => {
      const badAccount = fc.string().filter((text) => !/^\d{7,20}$/.test(text));
      fc.assert(
        fc.property(validOrder, badAccount, (order, fromAccount) =>
          codesOf({ ...order, fromAccount }).some((code) => code.startsWith("fromAccount:")),
        ),
      );
    });

    it("never throws on any price or amount, however large, and says why it refuses one", () => {
      // unitPrice 290665216.54 has 2 decimals as written, but × 100 is not an integer in floating point:
      // counting it in cents threw a RangeError, and the order went to the DLQ as UNEXPECTED, unrecorded.
      const price = fc.oneof(
        fc.constant(290665216.54),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((cents) => cents / 100),
        fc.double({ min: 0.01, max: 1e300, noNaN: true }),
      );
      fc.assert(
        fc.property(validOrder, price, price, (order, unitPrice, amount) => {
          const items = [{ sku: "KB-01", quantity: 1, unitPrice }];
          const result = validate({ ...order, amount, items });
          if (unitPrice > 1_000_000) {
            expect(result).toMatchObject({
              valid: false,
              errors: expect.arrayContaining([expect.objectContaining({ field: "items.0.unitPrice" })]),
            });
          }
          return typeof result.valid === "boolean";
        }),
      );
    });

    it("never throws, whatever it is given", () => {
      fc.assert(
        fc.property(fc.anything(), (input) => {
          const result = validate(input);
          return typeof result.valid === "boolean";
        }),
      );
    });

    it("never throws and stores exactly whatever it records, over the whole number line and any configured maximum", () => {
      // 2^53+1 arrives as 2^53: with a large enough maxAmount it passed validation, its cents were no safe
      // integer, and the record could not be stored (TABLE_UNAVAILABLE); rejected, its raw amount still could not.
      const anyNumber = fc.oneof(
        fc.double(),
        fc.constantFrom(2 ** 53 + 1, 2 ** 53, 1e300, -0, 290665216.54, Number.MAX_VALUE, Number.MIN_VALUE, 1e-7, 1e21),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((cents) => cents / 100),
        fc.integer({ min: -10, max: 20_000 }),
      );
      const line = fc.record({ sku: fc.stringMatching(/^[A-Z]{1,3}$/), quantity: anyNumber, unitPrice: anyNumber });
      const maxAmount = fc.oneof(
        fc.constant(1_000_000),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map((cents) => cents / 100),
        fc.double({ min: 0.01, max: 1e300, noNaN: true }),
      );
      const anyOrder = fc.record({
        order: validOrder,
        amount: anyNumber,
        items: fc.option(fc.array(line, { maxLength: 60 }), { nil: undefined }),
      });
      fc.assert(
        fc.property(anyOrder, maxAmount, ({ order, amount, items }, max) => {
          const submitted = { ...order, amount, ...(items ? { items } : {}) };
          expectStoredExactly(submitted, createOrderValidator({ maxAmount: max }));
        }),
        { numRuns: 500 },
      );
    });

    it("accepts only orders whose every amount, price, quantity and sum is counted and stored exactly", () => {
      // Orders that add up, so that many are accepted, with prices and quantities up to and past any bound.
      const cents = fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 8 },
        { arbitrary: fc.integer({ min: 1, max: 10_000_000_000 }), weight: 2 },
        { arbitrary: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), weight: 1 },
      );
      const quantity = fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 8 },
        { arbitrary: fc.integer({ min: 1, max: 2 ** 40 }), weight: 1 },
      );
      const lines = fc.oneof(
        {
          arbitrary: fc.uniqueArray(fc.record({ sku: fc.stringMatching(/^[A-Z]{1,4}$/), quantity, cents }), {
            minLength: 1,
            maxLength: 5,
            selector: (item) => item.sku,
          }),
          weight: 4,
        },
        {
          arbitrary: fc.uniqueArray(
            fc.record({ sku: fc.stringMatching(/^[A-Z]{1,4}$/), quantity: fc.integer({ min: 1, max: 10_000 }), cents }),
            {
              minLength: 40,
              maxLength: 60,
              selector: (item) => item.sku,
            },
          ),
          weight: 1,
        },
      );
      const maxAmount = fc.oneof(
        fc.constant(1_000_000),
        fc.constant(1e300),
        fc.double({ min: 0.01, max: 1e300, noNaN: true }),
      );
      fc.assert(
        fc.property(validOrder, lines, maxAmount, (order, chosen, max) => {
          const total = chosen.reduce((sum, item) => sum + BigInt(item.quantity) * BigInt(item.cents), 0n);
          const items = chosen.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.cents / 100 }));
          const submitted = { ...order, amount: Number(total) / 100, items };
          const verdict = expectStoredExactly(submitted, createOrderValidator({ maxAmount: max }));
          if (verdict.valid) {
            expect(Number.isSafeInteger(Number(total))).toBe(true);
            expect(Number(total) / 100).toBe(submitted.amount);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});

/** DynamoDB keeps at most 38 significant digits, magnitudes from 1e-130 to below 1e126. */
function dynamoKeeps(text: string): boolean {
  const [mantissa = "", exponent = "0"] = text.toLowerCase().replace("-", "").split("e");
  const digits = mantissa.replace(".", "").replace(/^0+/, "");
  const size = Math.abs(Number(text));
  return (
    digits.replace(/0+$/, "").length <= 38 &&
    Number(exponent) > -400 &&
    (size === 0 || (size >= 1e-130 && size < 1e126))
  );
}

function numbersIn(value: unknown): string[] {
  if (value && typeof value === "object") {
    const attribute = value as { N?: string };
    if (typeof attribute.N === "string") return [attribute.N];
    return Object.values(value).flatMap(numbersIn);
  }
  return [];
}

/**
 * Validates `order` (which must not throw), builds the record the processor would store, and checks that
 * the table would take it and give back exactly the same record; for a valid order, that its cents add up.
 */
function expectStoredExactly(
  order: Record<string, unknown> & { id: string },
  check: ReturnType<typeof createOrderValidator>,
) {
  const verdict = check(order);
  const record = originalRecord(anOrderMessage(order), verdict, new Date());
  const stored = marshall(record, { removeUndefinedValues: true });
  for (const text of numbersIn(stored)) expect(dynamoKeeps(text), text).toBe(true);
  expect(unmarshall(stored)).toEqual(JSON.parse(JSON.stringify(record)));
  for (const [name, value] of Object.entries(record)) {
    if (typeof value === "number") expect(Object.is(unmarshall(stored)[name], value), name).toBe(true);
  }
  if (verdict.valid) {
    const lines = record.lines ?? [];
    for (const number of [record.amountCents, ...lines.flatMap((l) => [l.quantity, l.unitPriceCents])]) {
      expect(Number.isSafeInteger(number)).toBe(true);
    }
    if (lines.length) {
      expect(lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0)).toBe(record.amountCents);
    }
    expect((record.amountCents ?? 0) / 100).toBe(verdict.order.amount);
    verdict.order.items?.forEach((item, index) => {
      expect((lines[index]?.unitPriceCents ?? 0) / 100).toBe(item.unitPrice);
    });
  }
  return verdict;
}
