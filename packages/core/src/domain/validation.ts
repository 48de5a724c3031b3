import * as z from "zod/mini";
import type { ErrorDetail } from "./errors.ts";
import { ChannelSchema, OrderIdSchema } from "./order.ts";

export interface ValidationLimits {
  /** The largest amount accepted, inclusive. */
  maxAmount: number;
}

export const DEFAULT_LIMITS: ValidationLimits = { maxAmount: 1_000_000 };

const ACCOUNT_PATTERN = /^\d{7,20}$/;

function decimalPlaces(value: number): number {
  const text = String(value);
  if (text.includes("e")) return Number.POSITIVE_INFINITY;
  return text.split(".")[1]?.length ?? 0;
}

const accountSchema = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .check(z.regex(ACCOUNT_PATTERN, { error: `${field} must be 7-20 digits` }));

/** The business rules the processor applies, as one zod schema. */
export function orderRulesSchema(limits: ValidationLimits = DEFAULT_LIMITS) {
  return z.object({
    id: OrderIdSchema,
    amount: z
      .number({
        error: (issue) => (issue.input === undefined ? "amount is required" : "amount must be a number"),
      })
      .check(
        z.gt(0, { error: "amount must be greater than 0" }),
        z.lte(limits.maxAmount, { error: `amount must be at most ${limits.maxAmount}` }),
        z.refine((amount) => decimalPlaces(amount) <= 2, {
          error: "amount must have at most 2 decimals",
          params: { code: "too_many_decimals" },
        }),
      ),
    fromAccount: accountSchema("fromAccount"),
    toAccount: accountSchema("toAccount"),
    channel: z.optional(ChannelSchema),
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
  const schema = orderRulesSchema(limits);
  return function validateOrder(order) {
    const parsed = schema.safeParse(order, { reportInput: true });
    const errors = parsed.success ? [] : parsed.error.issues.map(toDetail);
    const accounts = order as { fromAccount?: unknown; toAccount?: unknown } | null;
    if (typeof accounts?.fromAccount === "string" && accounts.fromAccount === accounts.toAccount) {
      errors.push({ field: "toAccount", code: "same_account", message: "toAccount must differ from fromAccount" });
    }
    if (parsed.success && errors.length === 0) return { valid: true, order: parsed.data };
    return { valid: false, errors };
  };
}
