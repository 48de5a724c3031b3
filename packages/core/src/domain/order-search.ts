import * as z from "zod/mini";
import { InvalidInputError } from "./errors.ts";
import { OrderIdSchema, type OrderStatus } from "./order.ts";
import { LISTED_STATUSES, type ListingPosition } from "./order-listing.ts";
import { cursorParameter, cursorRefused, limitParameter, readCursor } from "./paging.ts";
import { toDetail } from "./validation.ts";

/**
 * Every account's orders received in a time window, newest first, with a
 * status or any (`GET /admin/orders`): the operators' search. It reads the
 * `byReceivedHour` index, whose partition is the hour an order was received:
 * an order's hour never changes, so its index entry is written once, with
 * the order, and never again whatever happens to it. A status is a filter on
 * the orders read, as in an account's listing.
 */

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
/** The widest window one search may cover: a week, 168 hour partitions. */
export const MAX_SEARCH_HOURS = 7 * 24;
/** The window when none is given: the last day. */
export const DEFAULT_SEARCH_HOURS = 24;

/** The partition of the `byReceivedHour` index an order is in: its `receivedAt` to the hour (`2026-12-05T20`). */
export function receivedHourOf(receivedAt: string): string {
  return receivedAt.slice(0, 13);
}

export const SearchQuerySchema = z.strictObject({
  status: z.optional(z.enum(LISTED_STATUSES, { error: `status must be one of ${LISTED_STATUSES.join(", ")}` })),
  from: z.optional(z.iso.datetime({ error: "from must be an ISO 8601 time in UTC (…Z)" })),
  to: z.optional(z.iso.datetime({ error: "to must be an ISO 8601 time in UTC (…Z)" })),
  limit: limitParameter(DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT),
  cursor: cursorParameter,
});

/** A search, read: received in [from, to), with `status` if given. */
export interface OrderSearch {
  status?: OrderStatus | undefined;
  from: string;
  to: string;
  limit: number;
  after?: ListingPosition | undefined;
}

const CursorSchema = z.strictObject({
  s: z.optional(z.enum(LISTED_STATUSES)),
  f: z.iso.datetime(),
  u: z.iso.datetime(),
  t: z.iso.datetime(),
  o: OrderIdSchema,
});

const refused = (field: string, message: string) =>
  new InvalidInputError(`The query is malformed: ${message}`, {
    details: [{ field, code: "invalid_window", message }],
  });

/** The query string of a search, checked (400 with details) and completed: the last day when no window is given. */
export function readSearch(raw: Record<string, string | undefined>, now: Date): OrderSearch {
  const parsed = SearchQuerySchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidInputError("The query is malformed", { details: parsed.error.issues.map(toDetail) });
  }
  const { status, limit, cursor } = parsed.data;
  const to = parsed.data.to ? new Date(parsed.data.to) : now;
  const from = parsed.data.from
    ? new Date(parsed.data.from)
    : new Date(to.getTime() - DEFAULT_SEARCH_HOURS * 3_600_000);
  if (from >= to) throw refused("from", "from must be before to");
  if (to.getTime() - from.getTime() > MAX_SEARCH_HOURS * 3_600_000) {
    throw refused("from", `the window may cover at most ${MAX_SEARCH_HOURS} hours`);
  }
  const search: OrderSearch = { status, from: from.toISOString(), to: to.toISOString(), limit };
  if (cursor === undefined) return search;
  const { s, f, u, t, o } = readCursor(cursor, CursorSchema);
  // A cursor carries the window it was made in: the next page is of the same search, however `now` moved.
  if (s !== status || (parsed.data.from && f !== search.from) || (parsed.data.to && u !== search.to)) {
    throw cursorRefused("it belongs to another search (status or window)");
  }
  return { ...search, from: f, to: u, after: { receivedAt: t, orderId: o } };
}

/** The opaque cursor of the next page: the search's status and window, and where the page ended. */
export function searchCursor(search: OrderSearch, position: ListingPosition): string {
  const cursor = {
    ...(search.status ? { s: search.status } : {}),
    f: search.from,
    u: search.to,
    t: position.receivedAt,
    o: position.orderId,
  };
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** The hour partitions of a window, newest first. */
export function hoursOf(from: string, to: string): string[] {
  const hours: string[] = [];
  const first = Date.parse(`${receivedHourOf(from)}:00:00.000Z`);
  // `to` is exclusive: a window ending on the hour does not reach into that hour.
  const last = Date.parse(to) - 1;
  for (let at = Math.floor(last / 3_600_000) * 3_600_000; at >= first; at -= 3_600_000) {
    hours.push(receivedHourOf(new Date(at).toISOString()));
  }
  return hours;
}
