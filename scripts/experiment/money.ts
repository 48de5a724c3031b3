/** Money crosses the wire in decimal units and is counted here in integer cents: never add the floats. */

export const toCents = (units: number): number => Math.round(units * 100);

/** Cents as the decimal number the API takes (`1234` → `12.34`). */
export const toUnits = (cents: number): number => Number((cents / 100).toFixed(2));

export const lineTotalCents = (lines: { quantity: number; unitPriceCents: number }[]): number =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);

export const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};
