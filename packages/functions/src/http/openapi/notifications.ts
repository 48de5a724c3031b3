import { NotificationDeadLetterQuerySchema, RedriveRequestSchema } from "@orders/core/domain/admin";
import { MAX_ADMIN_BODY_BYTES } from "../body-limits.ts";
import { NotificationDeadLetterPageSchema, NotificationsDlqDepthSchema } from "../contract.ts";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { jsonContent, queryParameters } from "./schemas.ts";

/** NotificationsDlq's admin API: order events whose webhook delivery ran out of tries. Operators only. */
export const notificationPaths = {
  "/admin/notifications-dlq": {
    get: operation({
      operationId: "listNotificationDeadLetters",
      summary:
        "The order events waiting in NotificationsDlq, oldest first: each event, its payer, and its delivery's tries and last error",
      access: "operator",
      parameters: queryParameters(NotificationDeadLetterQuerySchema, {
        cursor: "The previous page's cursor",
      }),
      dependency: "NotificationsDlq or the table",
      responses: {
        "200": answer("A page of the waiting events", jsonContent(NotificationDeadLetterPageSchema)),
        "400": error("Malformed query"),
      },
    }),
  },
  "/admin/notifications-dlq/depth": {
    get: operation({
      operationId: "getNotificationDeadLetterDepth",
      summary: "How many order events wait in NotificationsDlq: one attribute read, no message received",
      access: "operator",
      dependency: "NotificationsDlq",
      responses: { "200": answer("The depth", jsonContent(NotificationsDlqDepthSchema)) },
    }),
  },
  "/admin/notifications-dlq/redrive": {
    post: operation({
      operationId: "redriveNotifications",
      summary:
        "Send events back to NotificationsQueue, then delete them: {ids} or {all: true}, at most 100 a call; an event delivered since is not sent again",
      access: "operator",
      body: { schema: RedriveRequestSchema, maxBytes: MAX_ADMIN_BODY_BYTES },
      dependency: "NotificationsDlq, NotificationsQueue or the table",
      responses: {
        "200": answer("{results: [{messageId, status: REDRIVEN|FAILED|NOT_FOUND, newMessageId?}]}", "object"),
      },
    }),
  },
};
