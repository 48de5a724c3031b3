import * as z from "zod/mini";
import type { ErrorDetail } from "./errors.ts";
import { hasAtMostTwoDecimals, MAX_AMOUNT_CEILING, toCents } from "./money.ts";
import { ChannelSchema, OrderIdSchema } from "./order.ts";

export interface ValidationLimits {
  /** The largest amount accepted, inclusive; taken as MAX_AMOUNT_CEILING if larger. */
  maxAmount: number;
}

export const DEFAULT_LIMITS: ValidationLimits = { maxAmount: 1_000_000 };

/** An account id: 7-20 digits. It becomes a DynamoDB key. */
export const ACCOUNT_PATTERN = /^\d{7,20}$/;

/** Whether an original is listed under this account id (the `byPayer`/`byPayee` indexes are sparse on it). */
export function isListedAccount(accountId: unknown): accountId is string {
  return typeof accountId === "string" && ACCOUNT_PATTERN.test(accountId);
}
/** A stock-keeping unit: it becomes a DynamoDB key and a URL path segment. */
export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const MAX_LINES = 50;
export const MAX_QUANTITY = 10_000;

const twoDecimals = (field: string) =>
  z.refine<number>((value) => hasAtMostTwoDecimals(value), {
    error: `${field} must have at most 2 decimals`,
    params: { code: "too_many_decimals" },
  });

/**
 * A sum of money as the wire carries it: a number > 0, at most `maxAmount`
 * (a line's price above it could never be paid; bounded, any value counts in
 * cents exactly), with at most 2 decimals.
 */
const moneySchema = (field: string, limits: ValidationLimits) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a number`) })
    .check(
      z.gt(0, { error: `${field} must be greater than 0` }),
      z.lte(limits.maxAmount, { error: `${field} must be at most ${limits.maxAmount}` }),
      twoDecimals(field),
    );

/**
 * A line: a known sku, a whole quantity, a price. Its total (quantity ×
 * price) is checked with the lines' other rules (`lineRules`), in cents.
 */
const lineSchema = (limits: ValidationLimits) =>
  z.object({
    sku: z
      .string({ error: (issue) => (issue.input === undefined ? "sku is required" : "sku must be a string") })
      .check(z.regex(SKU_PATTERN, { error: "sku must be 1-64 characters of A-Z a-z 0-9 . _ -" })),
    quantity: z
      .number({ error: (issue) => (issue.input === undefined ? "quantity is required" : "quantity must be a number") })
      .check(
        z.int({ error: "quantity must be an integer" }),
        z.gte(1, { error: "quantity must be at least 1" }),
        z.lte(MAX_QUANTITY, { error: `quantity must be at most ${MAX_QUANTITY}` }),
      ),
    unitPrice: moneySchema("unitPrice", limits),
  });

const accountSchema = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .check(z.regex(ACCOUNT_PATTERN, { error: `${field} must be 7-20 digits` }));

/** The business rules the processor applies, as one zod schema. */
export function orderRulesSchema(limits: ValidationLimits = DEFAULT_LIMITS) {
  return z.object({
    id: OrderIdSchema,
    amount: moneySchema("amount", limits),
    fromAccount: accountSchema("fromAccount"),
    toAccount: accountSchema("toAccount"),
    channel: z.optional(ChannelSchema),
    items: z.optional(
      z
        .array(lineSchema(limits))
        .check(
          z.minLength(1, { error: "items must hold at least 1 line" }),
          z.maxLength(MAX_LINES, { error: `items must hold at most ${MAX_LINES} lines` }),
        ),
    ),
  });
}

export type ValidOrder = z.infer<ReturnType<typeof orderRulesSchema>>;

export type ValidationResult = { valid: true; order: ValidOrder } | { valid: false; errors: ErrorDetail[] };

/** One `{field, code, message}` per broken rule, in a vocabulary callers can match on. */
export function toDetail(issue: z.core.$ZodIssue): ErrorDetail {
  const field = issue.path.join(".") || "order";
  const custom = issue.code === "custom" ? (issue.params?.code as string | undefined) : undefined;
  const missing = issue.code === "invalid_type" && issue.input === undefined;
  const code = custom ?? (missing ? "required" : issue.code);
  return { field, code, message: issue.message };
}

export type OrderValidator = (order: unknown) => ValidationResult;

/**
 * Builds the validator once (at cold start) for the given limits. The validator
 * never throws: every broken rule comes back as a reason, so that an invalid
 * order is recorded, not lost.
 */
export function createOrderValidator(limits: ValidationLimits = DEFAULT_LIMITS): OrderValidator {
  const bounded = boundedLimits(limits);
  const schema = orderRulesSchema(bounded);
  return function validateOrder(order) {
    const parsed = schema.safeParse(order, { reportInput: true });
    const errors = parsed.success ? [] : parsed.error.issues.map(toDetail);
    const accounts = order as { fromAccount?: unknown; toAccount?: unknown } | null;
    if (typeof accounts?.fromAccount === "string" && accounts.fromAccount === accounts.toAccount) {
      errors.push({ field: "toAccount", code: "same_account", message: "toAccount must differ from fromAccount" });
    }
    if (parsed.success) errors.push(...lineRules(parsed.data, bounded));
    if (parsed.success && errors.length === 0) return { valid: true, order: parsed.data };
    return { valid: false, errors };
  };
}

/**
 * Limits no configuration can loosen: an amount above MAX_AMOUNT_CEILING could
 * not be counted in cents exactly (see money.ts), so a larger maxAmount is
 * taken as the ceiling. Anything but a positive number is a configuration
 * error, thrown when the validator is built (at cold start), never per order.
 */
function boundedLimits(limits: ValidationLimits): ValidationLimits {
  if (!(limits.maxAmount > 0)) throw new RangeError(`maxAmount must be a positive number, not ${limits.maxAmount}`);
  return { maxAmount: Math.min(limits.maxAmount, MAX_AMOUNT_CEILING) };
}

/**
 * The rules across lines: each sku once, no line above the largest amount
 * (it could never be paid), and the amount equal to the lines' total, in
 * cents. Every price and amount here has passed `moneySchema`, so each
 * counts in cents exactly, and with each line at most maxAmount the total
 * stays a safe integer (money.ts).
 */
function lineRules(order: ValidOrder, limits: ValidationLimits): ErrorDetail[] {
  if (!order.items) return [];
  const errors: ErrorDetail[] = [];
  const seen = new Set<string>();
  const maxCents = toCents(Math.floor(limits.maxAmount * 100) / 100);
  let total = 0;
  let tooBig = false;
  order.items.forEach((line, index) => {
    if (seen.has(line.sku)) {
      errors.push({ field: `items.${index}.sku`, code: "duplicate_sku", message: `sku ${line.sku} appears twice` });
    }
    seen.add(line.sku);
    const lineCents = line.quantity * toCents(line.unitPrice);
    if (lineCents > maxCents) {
      tooBig = true;
      errors.push({
        field: `items.${index}`,
        code: "too_big",
        message: `quantity × unitPrice must be at most ${limits.maxAmount}`,
      });
    }
    total += lineCents;
  });
  // The total of lines that fit is at most MAX_LINES × maxAmount: exact. Past one that does not, it is not compared.
  if (!tooBig && total !== toCents(order.amount)) {
    errors.push({
      field: "amount",
      code: "AMOUNT_MISMATCH",
      message: `amount must equal the sum of quantity × unitPrice (${total / 100})`,
    });
  }
  return errors;
}
