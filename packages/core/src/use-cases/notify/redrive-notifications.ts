import type { AuditLog, Clock, DeadLetterStore, MessageSender } from "../../ports.ts";
import { type RedriveInput, type RedriveResult, redriveDeadLetters } from "../dlq/redrive-dead-letters.ts";

export interface RedriveNotificationsDeps {
  /** NotificationsDlq. */
  deadLetters: DeadLetterStore;
  /** NotificationsQueue. */
  sender: MessageSender;
  audit: AuditLog;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Moves order events from NotificationsDlq back to NotificationsQueue, as
 * they are, each sent before it is deleted: a redrive that dies in between
 * leaves a copy in both queues, never none. Sending an event twice is safe,
 * because the Notifier's claim never sends an event its record says was
 * DELIVERED, and two copies never send at once. Audited as REDRIVEs to
 * NotificationsQueue. Returns the result per message.
 */
export function redriveNotifications(input: RedriveInput, deps: RedriveNotificationsDeps): Promise<RedriveResult[]> {
  return redriveDeadLetters(input, { ...deps, queue: "NotificationsQueue" });
}
