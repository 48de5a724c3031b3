import * as z from "zod/mini";

/**
 * A whole-number query parameter from `min` to `max`, `fallback` when absent.
 * Query values are strings, so it is coerced; each refusal names the parameter.
 */
export function wholeNumberParameter(name: string, range: { min: number; max: number; fallback: number }) {
  return z._default(
    z.coerce
      .number({ error: `${name} must be a number` })
      .check(
        z.refine(Number.isInteger, { error: `${name} must be a whole number` }),
        z.gte(range.min, { error: `${name} must be at least ${range.min}` }),
        z.lte(range.max, { error: `${name} must be at most ${range.max}` }),
      ),
    range.fallback,
  );
}
