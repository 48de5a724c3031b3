import { z } from "zod";
import { InvalidInputError } from "./errors.ts";
import { toDetail } from "./validation.ts";

/** SQS message ids are UUIDs; anything else never reaches a queue call. */
export const MessageIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,128}$/, { error: "not a message id" });

/** Who did it, as the audit shows it. */
export const ActorSchema = z
  .string()
  .trim()
  .regex(/^[\w.@ -]{1,64}$/, { error: "the operator name must be 1-64 letters, digits, spaces or . @ - _" });

/** Parses an identifier or throws a 400 with details. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success)
    throw new InvalidInputError(`${what} is malformed`, { details: parsed.error.issues.map(toDetail) });
  return parsed.data;
}

/** `GET /admin/dlq` query string. */
export const DeadLetterQuerySchema = z.object({
  reason: z
    .string()
    .regex(/^[A-Z_]{1,64}$/, { error: "reason must be an error code such as BUCKET_UNAVAILABLE" })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,6}$/, { error: "cursor must come from a previous page" })
    .optional(),
});

/** `POST /admin/dlq/redrive` body. */
export const RedriveRequestSchema = z
  .object({
    ids: z.array(MessageIdSchema).min(1).max(100).optional(),
    all: z.literal(true).optional(),
    maxPerSecond: z.number().positive().max(1000).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .refine((body) => Boolean(body.ids) !== Boolean(body.all), { error: "give either ids or all: true" });

/** `POST /admin/dlq/{id}/edit` body. */
export const EditRequestSchema = z.object({ order: z.record(z.string(), z.unknown()) });

/** `POST /admin/dlq/{id}/discard` body. */
export const DiscardRequestSchema = z.object({ reason: z.string() });

/** `GET /admin/audit` query string. */
export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
