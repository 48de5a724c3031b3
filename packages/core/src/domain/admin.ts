import * as z from "zod/mini";
import { InvalidInputError } from "./errors.ts";
import { toDetail } from "./validation.ts";

/** SQS message ids are UUIDs; anything else never reaches a queue call. */
export const MessageIdSchema = z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/, { error: "not a message id" }));

/** Parses an identifier or throws a 400 with details. */
export function parseOrThrow<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success)
    throw new InvalidInputError(`${what} is malformed`, { details: parsed.error.issues.map(toDetail) });
  return parsed.data;
}

const pageLimit = z._default(
  z.coerce.number().check(z.refine(Number.isInteger, { error: "limit must be a whole number" }), z.gte(1), z.lte(100)),
  50,
);

/** A listing's position in a queue's scan, as the previous page answered it. */
const offsetCursor = z.optional(
  z.string().check(z.regex(/^\d{1,6}$/, { error: "cursor must come from a previous page" })),
);

/** `GET /admin/dlq` query string. */
export const DeadLetterQuerySchema = z.object({
  reason: z.optional(
    z.string().check(z.regex(/^[A-Z_]{1,64}$/, { error: "reason must be an error code such as BUCKET_UNAVAILABLE" })),
  ),
  limit: pageLimit,
  cursor: offsetCursor,
});

/** `GET /admin/notifications-dlq` query string: a page of the order events waiting there. */
export const NotificationDeadLetterQuerySchema = z.object({
  limit: pageLimit,
  cursor: offsetCursor,
});

/** `POST /admin/dlq/redrive` and `POST /admin/notifications-dlq/redrive` body. */
export const RedriveRequestSchema = z
  .object({
    ids: z.optional(z.array(MessageIdSchema).check(z.minLength(1), z.maxLength(100))),
    all: z.optional(z.literal(true)),
    maxPerSecond: z.optional(z.number().check(z.gt(0), z.lte(1000))),
    limit: z.optional(z.number().check(z.refine(Number.isInteger), z.gte(1), z.lte(100))),
  })
  .check(z.refine((body) => Boolean(body.ids) !== Boolean(body.all), { error: "give either ids or all: true" }));

/** `POST /admin/dlq/{id}/edit` body. */
export const EditRequestSchema = z.object({ order: z.record(z.string(), z.unknown()) });

/**
 * The shortest admin token accepted. A shorter one (a single character was
 * possible) is a misconfiguration: `npm start` refuses it, and deployed, every
 * admin request is refused until it is replaced, so that a guessable token
 * never opens the admin routes.
 */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** `POST /admin/dlq/{id}/discard` body. */
export const MAX_DISCARD_REASON = 500;
export const DiscardRequestSchema = z.object({
  reason: z
    .string()
    .check(
      z.minLength(1, { error: "reason must say why" }),
      z.maxLength(MAX_DISCARD_REASON, { error: `reason must be at most ${MAX_DISCARD_REASON} characters` }),
    ),
});

/** `GET /admin/audit` query string. */
export const AuditQuerySchema = z.object({
  limit: pageLimit,
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
