import * as z from "zod/mini";

/** A page's `limit` query parameter: a whole number from 1 to `max`, `fallback` when absent. */
export function limitParameter(fallback: number, max: number) {
  return z._default(
    z.coerce
      .number({ error: "limit must be a number" })
      .check(
        z.refine(Number.isInteger, { error: "limit must be a whole number" }),
        z.gte(1, { error: "limit must be at least 1" }),
        z.lte(max, { error: `limit must be at most ${max}` }),
      ),
    fallback,
  );
}

/** A page's `cursor` query parameter, as a previous page gave it (opaque; checked when decoded). */
export const cursorParameter = z.optional(
  z.string().check(z.maxLength(512, { error: "cursor must come from a previous page" })),
);
