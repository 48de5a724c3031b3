import * as z from "zod/mini";
import { InvalidInputError } from "./errors.ts";
import { wholeNumberParameter } from "./whole-number-parameter.ts";

/** A page's `limit` query parameter: a whole number from 1 to `max`, `fallback` when absent. */
export function limitParameter(fallback: number, max: number) {
  return wholeNumberParameter("limit", { min: 1, max, fallback });
}

/** A page's `cursor` query parameter, as a previous page gave it (opaque; checked when decoded). */
export const cursorParameter = z.optional(
  z.string().check(z.maxLength(512, { error: "cursor must come from a previous page" })),
);

/** A cursor refused: 400 INVALID_INPUT on the `cursor` field. */
export function cursorRefused(message: string): InvalidInputError {
  return new InvalidInputError(`The cursor is malformed: ${message}`, {
    details: [{ field: "cursor", code: "invalid_cursor", message }],
  });
}

/** An opaque cursor (base64url JSON) read against its schema; throws `cursorRefused` when it does not decode. */
export function readCursor<T>(cursor: string, schema: z.ZodMiniType<T>): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw cursorRefused("pass the cursor the previous page returned");
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw cursorRefused("pass the cursor the previous page returned");
  return parsed.data;
}
