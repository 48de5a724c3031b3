import { ChannelSchema, SubmitOrderBodySchema } from "@orders/core/domain/order";
import * as z from "zod/mini";

/**
 * The API's request and response shapes. Handlers type their responses with
 * these, and the OpenAPI document is generated from them, so the two agree.
 */

const ErrorDetailSchema = z.object({ field: z.string(), code: z.string(), message: z.string() });

export const ErrorBodySchema = z
  .object({
    error: z.string().register(z.globalRegistry, { description: "A stable error code, e.g. INVALID_JSON" }),
    message: z.string(),
    details: z.optional(z.array(ErrorDetailSchema)),
  })
  .register(z.globalRegistry, { id: "Error" });

export const SubmitAcceptedSchema = z
  .object({ id: z.string(), submissionId: z.uuid(), status: z.literal("QUEUED") })
  .register(z.globalRegistry, { id: "SubmitAccepted" });

export const OrderViewSchema = z
  .object({
    id: z.string(),
    submissionId: z.uuid(),
    channel: ChannelSchema,
    amount: z.unknown().register(z.globalRegistry, { description: "As submitted; a number when valid" }),
    fromAccount: z.unknown(),
    toAccount: z.unknown(),
    status: z.enum(["PENDING", "CONFIRMED", "FAILED", "ACCEPTED", "REJECTED", "DUPLICATE"]),
    valid: z.boolean(),
    isDuplicate: z.boolean(),
    errors: z.array(ErrorDetailSchema),
    s3Key: z.optional(z.string()),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: "OrderView" });

export const DuplicateViewSchema = z
  .object({
    submissionId: z.uuid(),
    receivedAt: z.iso.datetime(),
    sameAsOriginal: z.boolean(),
    valid: z.boolean(),
  })
  .register(z.globalRegistry, { id: "DuplicateView" });

export const OrderLookupSchema = z
  .object({
    order: OrderViewSchema,
    duplicates: z.array(DuplicateViewSchema),
    jsonUrl: z.optional(
      z.url().register(z.globalRegistry, { description: "Presigned S3 GET of the archived JSON, valid 15 minutes" }),
    ),
  })
  .register(z.globalRegistry, { id: "OrderLookup" });

const CheckSchema = z.enum(["ok", "error"]);
export const HealthSchema = z
  .object({
    status: CheckSchema,
    checks: z.object({
      table: CheckSchema,
      bucket: CheckSchema,
      queue: CheckSchema,
      dlq: z.union([z.object({ status: z.literal("ok"), depth: z.int() }), z.object({ status: z.literal("error") })]),
    }),
    failing: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: "Health" });

export { SubmitOrderBodySchema };

export type SubmitAccepted = z.infer<typeof SubmitAcceptedSchema>;
export type OrderView = z.infer<typeof OrderViewSchema>;
export type OrderLookupBody = z.infer<typeof OrderLookupSchema>;
export type HealthBody = z.infer<typeof HealthSchema>;
