/**
 * Money crosses the wire as decimal currency units (`25.80`) and is counted
 * inside as integer cents (`2580`), so that no sum is ever a float sum.
 */

/** Cents of an amount that has at most 2 decimals. Throws on anything else. */
export function toCents(units: number): number {
  const cents = Math.round(units * 100);
  if (!Number.isFinite(units) || Math.abs(cents - units * 100) > 1e-6) {
    throw new RangeError(`${units} is not an amount of at most 2 decimals`);
  }
  return cents;
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
