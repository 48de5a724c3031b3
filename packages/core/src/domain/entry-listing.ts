import * as z from "zod/mini";
import { cursorParameter, cursorRefused, limitParameter, readCursor } from "./paging.ts";

/**
 * An account's ledger entries, newest first, a page at a time
 * (`GET /accounts/{id}/entries?limit=&cursor=`).
 */

export const DEFAULT_ENTRIES_LIMIT = 20;
export const MAX_ENTRIES_LIMIT = 100;

/** The query string. Strict: a misspelt parameter is a 400, not silently the default. */
export const EntriesQuerySchema = z.strictObject({
  limit: limitParameter(DEFAULT_ENTRIES_LIMIT, MAX_ENTRIES_LIMIT),
  cursor: cursorParameter,
});

/** Where a page ended: its last entry. The next page starts strictly after it. */
export interface EntriesPosition {
  at: string;
  transferId: string;
}

const CursorSchema = z.strictObject({
  a: z.string(),
  t: z.iso.datetime(),
  x: z.string().check(z.minLength(1), z.maxLength(200)),
});

/**
 * The opaque cursor of a page: the account and the last entry's position, as
 * base64url JSON. It needs no signature: it only moves within the account
 * the request names, and one from another account is refused.
 */
export function encodeEntriesCursor(accountId: string, position: EntriesPosition): string {
  return Buffer.from(JSON.stringify({ a: accountId, t: position.at, x: position.transferId })).toString("base64url");
}

/** The position a cursor holds; throws InvalidInputError when it does not decode or names another account. */
export function decodeEntriesCursor(accountId: string, cursor: string): EntriesPosition {
  const { a, t, x } = readCursor(cursor, CursorSchema);
  if (a !== accountId) throw cursorRefused("it belongs to another account's entries");
  return { at: t, transferId: x };
}
