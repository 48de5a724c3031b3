import * as z from "zod/mini";
import { InvalidInputError } from "./errors.ts";
import { hasAtMostTwoDecimals } from "./money.ts";
import { ACCOUNT_PATTERN, SKU_PATTERN, toDetail } from "./validation.ts";

/** A deposit's reference: it becomes part of a ledger key. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** The largest deposit accepted at once, in currency units. */
export const MAX_DEPOSIT = 1_000_000_000;
/** The largest stock count of one sku. */
export const MAX_ON_HAND = 1_000_000_000;

export const SkuSchema = z
  .string()
  .check(z.regex(SKU_PATTERN, { error: "sku must be 1-64 characters of A-Z a-z 0-9 . _ -" }));
export const AccountIdSchema = z.string().check(z.regex(ACCOUNT_PATTERN, { error: "account id must be 7-20 digits" }));

export const SetStockBodySchema = z
  .object({
    onHand: z
      .number({ error: "onHand must be a number" })
      .check(
        z.int({ error: "onHand must be an integer" }),
        z.gte(0, { error: "onHand must be at least 0" }),
        z.lte(MAX_ON_HAND, { error: `onHand must be at most ${MAX_ON_HAND}` }),
      ),
  })
  .register(z.globalRegistry, { id: "SetStockBody", examples: [{ onHand: 5 }] });

export const DepositBodySchema = z
  .object({
    amount: z.number({ error: "amount must be a number" }).check(
      z.gt(0, { error: "amount must be greater than 0" }),
      z.lte(MAX_DEPOSIT, { error: `amount must be at most ${MAX_DEPOSIT}` }),
      z.refine<number>((value) => hasAtMostTwoDecimals(value), { error: "amount must have at most 2 decimals" }),
    ),
    reference: z
      .string({ error: "reference must be a string" })
      .check(z.regex(REFERENCE_PATTERN, { error: "reference must be 1-64 characters of A-Z a-z 0-9 . _ : -" })),
  })
  .register(z.globalRegistry, { id: "DepositBody", examples: [{ amount: 1000, reference: "dep-1" }] });

/** Parses an input with a schema, or throws InvalidInputError with one detail per broken rule. */
export function parseInput<T>(schema: z.ZodMiniType<T>, input: unknown, what: string, field?: string): T {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .map(toDetail)
    .map((detail) => (field && detail.field === "order" ? { ...detail, field } : detail));
  throw new InvalidInputError(`${what} is malformed`, { details });
}
