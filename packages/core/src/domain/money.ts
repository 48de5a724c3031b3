/**
 * Money crosses the wire as decimal currency units (`25.80`) and is counted
 * inside as integer cents (`2580`), so that no sum is ever a float sum.
 */

/**
 * The largest amount any configuration may accept. With at most MAX_LINES
 * lines of at most MAX_QUANTITY each (validation.ts), 50 × 10,000 × 10^10
 * cents = 5 × 10^15 stays below 2^53: every price, line total, sum and
 * amount is a safe integer of cents, which JavaScript counts and DynamoDB's
 * document client stores exactly.
 */
export const MAX_AMOUNT_CEILING = 100_000_000;

/**
 * Cents of an amount that has at most 2 decimals as written, counted from
 * its decimal text rather than by `× 100`: 290665216.54 × 100 is
 * 29066521653.999996 in floating point. Throws on anything else, or on an
 * amount whose cents are no safe integer.
 */
export function toCents(units: number): number {
  const text = String(units);
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  const cents = match ? Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0")) : Number.NaN;
  if (!match || !Number.isSafeInteger(cents)) {
    throw new RangeError(`${units} is not an amount of at most 2 decimals`);
  }
  return match[1] ? -cents : cents;
}

/** Decimal currency units of an amount in cents. */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Whether a number has at most 2 decimals, read as it is written. */
export function hasAtMostTwoDecimals(value: number): boolean {
  const text = String(value);
  if (text.includes("e")) return false;
  return (text.split(".")[1]?.length ?? 0) <= 2;
}
