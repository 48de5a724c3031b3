import { createHash } from "node:crypto";
import type { DuplicateRecord } from "./duplicates.ts";
import type { OrderRecord } from "./order.ts";

/** A message parked in the dead-letter queue. */
export interface DeadLetter {
  /** SQS's id: it changes every time the message is sent again. */
  messageId: string;
  /** Needed to delete or release the message; valid for this receive only. */
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, string>;
  receiveCount: number;
  sentAt: string;
}

/** Why a message failed, kept across retries and redrives. */
export interface FailureRecord {
  messageKey: string;
  code: string;
  message: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  orderId?: string | undefined;
  submissionId?: string | undefined;
}

/** One failed attempt, as the processor reports it. */
export interface FailureReport {
  messageKey: string;
  code: string;
  message: string;
  at: string;
  orderId?: string | undefined;
  submissionId?: string | undefined;
}

export type AuditAction = "REDRIVE" | "EDIT" | "DISCARD";

/** One operator action on the dead-letter queue. */
export interface AuditEntry {
  auditId: string;
  at: string;
  action: AuditAction;
  actor: string;
  oldMessageId: string;
  newMessageId?: string | undefined;
  orderId?: string | undefined;
  submissionId?: string | undefined;
  result: "OK" | "FAILED";
  detail?: string | undefined;
  /** Discards keep a copy of the body, and edits the body they replaced, so nothing is ever lost. */
  body?: string | undefined;
}

/** A dead letter with what the system knows about it. */
export interface DeadLetterView extends DeadLetter {
  messageKey: string;
  failure?: FailureRecord | undefined;
  /** The record this submission produced: an original's, or a duplicate's (kept only up to the cap). */
  order?: OrderRecord | DuplicateRecord | undefined;
  /** What the order's part-done saga holds right now, read from the stock and the ledger. */
  holds?: SagaHolds | undefined;
}

/** A running saga's effects, as its markers stand. */
export interface SagaHolds {
  reservations: { sku: string; quantity: number; status: string }[];
  payment?: { status: string; amountCents: number } | undefined;
  /**
   * Said when the payment is POSTED and the payee was never credited: the
   * payer has paid, and the money waits on this message (a redrive that
   * succeeds credits it; one that cannot keeps it named by the audit too).
   */
  stuck?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A message's stable identity: the submission id it carries, or a hash of the
 * body when it carries none. SQS's messageId cannot serve: it changes on
 * every redrive.
 */
export function messageKeyOf(body: string): string {
  const submissionId = submissionIdOf(body);
  if (submissionId) return `submission:${submissionId}`;
  return `body:${createHash("sha256").update(body).digest("hex")}`;
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The submission id a body carries, if it is a well-formed UUID. */
export function submissionIdOf(body: string): string | undefined {
  const id = parse(body)?.submissionId;
  return typeof id === "string" && UUID.test(id) ? id : undefined;
}

/** The order id a body carries, if any (unvalidated: for display and joins after validation). */
export function orderIdOf(body: string): string | undefined {
  const order = parse(body)?.order as Record<string, unknown> | undefined;
  return typeof order?.id === "string" ? order.id : undefined;
}
