import {
  AuditQuerySchema,
  DeadLetterQuerySchema,
  DiscardRequestSchema,
  EditRequestSchema,
  MessageIdSchema,
  RedriveRequestSchema,
} from "@orders/core/domain/admin";
import { MAX_ADMIN_BODY_BYTES } from "../body-limits.ts";
import { ConsistencyReportSchema, DeadLetterDepthSchema } from "../contract.ts";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { jsonContent, pathParameter, queryParameters } from "./schemas.ts";

const messageId = pathParameter("id", MessageIdSchema);
const body = (schema: typeof EditRequestSchema | typeof RedriveRequestSchema | typeof DiscardRequestSchema) => ({
  schema,
  maxBytes: MAX_ADMIN_BODY_BYTES,
});
const DLQ = "the dead-letter queue or the table";
const notFound = error("DEAD_LETTER_NOT_FOUND");

/** The DLQ admin API (the README's "The admin API") and the consistency audit: operators only. */
export const deadLetterPaths = {
  "/admin/dlq": {
    get: operation({
      operationId: "listDeadLetters",
      summary: "The DLQ: depth, count per reason, and a page of messages with reasons, records and holds",
      access: "operator",
      parameters: queryParameters(DeadLetterQuerySchema),
      dependency: DLQ,
      responses: { "200": answer("{depth, reasons, messages, cursor?}", "object"), "400": error("Malformed query") },
    }),
  },
  "/admin/dlq/depth": {
    get: operation({
      operationId: "getDeadLetterDepth",
      summary: "How many messages wait in the DLQ: one attribute read, no message received",
      access: "operator",
      dependency: "the dead-letter queue",
      responses: { "200": answer("The depth", jsonContent(DeadLetterDepthSchema)) },
    }),
  },
  "/admin/dlq/redrive": {
    post: operation({
      operationId: "redriveDeadLetters",
      summary: "Send messages back to OrdersQueue, then delete them: {ids} or {all: true}, at most 100 a call",
      access: "operator",
      body: body(RedriveRequestSchema),
      dependency: DLQ,
      responses: {
        "200": answer("{results: [{messageId, status: REDRIVEN|FAILED|NOT_FOUND, newMessageId?}]}", "object"),
      },
    }),
  },
  "/admin/dlq/{id}/edit": {
    post: operation({
      operationId: "editDeadLetter",
      summary: "Redrive an edited order (same submissionId), once the processor's rules accept it",
      access: "operator",
      parameters: [messageId],
      body: body(EditRequestSchema),
      dependency: DLQ,
      responses: {
        "200": answer("The redriven message", "object"),
        "400": error("Malformed message id or body (not {order: {...}})"),
        "404": notFound,
        "409": error(
          "SUBMISSION_RECORDED: the processor would not run the edit: the message's order is recorded already, or the edited id is, from another submission",
        ),
        "422": error("ORDER_REJECTED, with the reasons"),
        "503": error(
          "QUEUE_UNAVAILABLE: the edited message was not sent to OrdersQueue, or not audited; it stays in the DLQ; retry",
          ["RetryAfter"],
        ),
      },
    }),
  },
  "/admin/dlq/{id}/dry-run": {
    post: operation({
      operationId: "dryRunDeadLetter",
      summary: "What processing the message would do, changing nothing",
      access: "operator",
      parameters: [messageId],
      dependency: DLQ,
      responses: {
        "200": answer("The processor's verdict", "object"),
        "400": error("Malformed message id"),
        "404": notFound,
      },
    }),
  },
  "/admin/dlq/{id}/discard": {
    post: operation({
      operationId: "discardDeadLetter",
      summary: "Delete a message for good, keeping its body in the audit; a part-done saga is compensated first",
      access: "operator",
      parameters: [messageId],
      body: body(DiscardRequestSchema),
      dependency: DLQ,
      responses: {
        "200": answer("{messageId, status: DISCARDED}", "object"),
        "400": error("Malformed message id or body"),
        "404": notFound,
      },
    }),
  },
  "/admin/audit": {
    get: operation({
      operationId: "listAudit",
      summary: "Every redrive, edit and discard, newest first",
      access: "operator",
      parameters: queryParameters(AuditQuerySchema),
      dependency: "the table",
      responses: { "200": answer("{entries, cursor?}", "object"), "400": error("Malformed query") },
    }),
  },
  "/admin/consistency-audit": {
    post: operation({
      operationId: "runConsistencyAudit",
      summary: "Audit every sku and account now (the hourly schedule runs the same); the report is kept in S3",
      access: "operator",
      dependency: "the table or the bucket",
      responses: { "200": answer("The report, as stored", jsonContent(ConsistencyReportSchema)) },
    }),
    get: operation({
      operationId: "getConsistencyReport",
      summary: "The latest consistency report, from the audit or the hourly schedule",
      access: "operator",
      dependency: "the bucket",
      responses: {
        "200": answer("The latest report, as stored", jsonContent(ConsistencyReportSchema)),
        "404": error("REPORT_NOT_FOUND: no audit has run yet"),
      },
    }),
  },
};
