import * as z from "zod/mini";
import type { OrderFailure } from "./fulfilment.ts";
import { fromCents } from "./money.ts";
import { ORDER_STATUSES, OrderIdSchema, type OrderRecord, type OrderStatus } from "./order.ts";
import { cursorParameter, cursorRefused, limitParameter, readCursor } from "./paging.ts";

/**
 * An account's orders, newest first (`GET /accounts/{id}/orders`): as the
 * paying account (`payer`, the order's `fromAccount`) or as the account paid
 * (`payee`, its `toAccount`).
 */

export const LISTING_ROLES = ["payer", "payee"] as const;
export type ListingRole = (typeof LISTING_ROLES)[number];

/** The statuses an original can have (a duplicate is never listed). */
export const LISTED_STATUSES = ORDER_STATUSES.filter(
  (status): status is Exclude<OrderStatus, "DUPLICATE"> => status !== "DUPLICATE",
) as [Exclude<OrderStatus, "DUPLICATE">, ...Exclude<OrderStatus, "DUPLICATE">[]];

export const DEFAULT_LISTING_LIMIT = 20;
export const MAX_LISTING_LIMIT = 100;

/** The query string. Strict: a misspelt parameter is a 400, not silently the default. */
export const ListingQuerySchema = z.strictObject({
  role: z._default(z.enum(LISTING_ROLES, { error: "role must be payer or payee" }), "payer"),
  status: z.optional(z.enum(LISTED_STATUSES, { error: `status must be one of ${LISTED_STATUSES.join(", ")}` })),
  limit: limitParameter(DEFAULT_LISTING_LIMIT, MAX_LISTING_LIMIT),
  cursor: cursorParameter,
});

/** Where a page ended: the last order it examined. The listing goes on strictly after it. */
export interface ListingPosition {
  receivedAt: string;
  orderId: string;
}

/** Which listing a cursor belongs to, so that one is never followed in another. */
export interface ListingScope {
  accountId: string;
  role: ListingRole;
  status?: OrderStatus | undefined;
}

const CursorSchema = z.strictObject({
  a: z.string(),
  r: z.enum(LISTING_ROLES),
  s: z.optional(z.enum(LISTED_STATUSES)),
  t: z.iso.datetime(),
  o: OrderIdSchema,
});

/**
 * The opaque cursor of a page: the position and the listing it belongs to,
 * base64url JSON. It is not secret and needs no signature: the listing is
 * built from the request's own account and role, so a cursor can only move
 * within that account's listing, and one from another listing is refused.
 */
export function encodeCursor(scope: ListingScope, position: ListingPosition): string {
  const cursor = {
    a: scope.accountId,
    r: scope.role,
    ...(scope.status ? { s: scope.status } : {}),
    t: position.receivedAt,
    o: position.orderId,
  };
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** The position a cursor holds; throws InvalidInputError when it does not decode or belongs to another listing. */
export function decodeCursor(scope: ListingScope, cursor: string): ListingPosition {
  const { a, r, s, t, o } = readCursor(cursor, CursorSchema);
  if (a !== scope.accountId || r !== scope.role || s !== scope.status) {
    throw cursorRefused("it belongs to another listing (account, role or status)");
  }
  return { receivedAt: t, orderId: o };
}

/** One listed order, amounts in currency units. */
export interface ListedOrder {
  id: string;
  status: OrderStatus;
  amount?: number;
  fromAccount: string;
  toAccount: string;
  receivedAt: string;
  resolvedAt?: string;
  refunded?: boolean;
  failure?: { code: OrderFailure["code"] };
}

/**
 * A record as listed. A valid original's amount is its cents; a rejected
 * one's is the number it was sent with, if it was one. Its account ids are
 * well formed: only those are in the listing indexes.
 */
export function listedOrder(record: OrderRecord): ListedOrder {
  const amount = record.amountCents !== undefined ? fromCents(record.amountCents) : record.amount;
  return {
    id: record.orderId,
    status: record.status,
    ...(typeof amount === "number" ? { amount } : {}),
    fromAccount: record.fromAccount ?? "",
    toAccount: record.toAccount ?? "",
    receivedAt: record.receivedAt,
    ...(record.resolvedAt ? { resolvedAt: record.resolvedAt } : {}),
    ...(record.refunded ? { refunded: true } : {}),
    ...(record.failure ? { failure: { code: record.failure.code } } : {}),
  };
}
