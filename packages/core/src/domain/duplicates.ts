import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";
import type { Channel, OrderMessage, OrderRecord } from "./order.ts";
import type { ValidationResult } from "./validation.ts";

/**
 * How many later submissions of one order id are kept as records of their
 * own. Past it a duplicate is only counted, on the original
 * (`duplicatesNotStored`), so that a read of the order loads at most the
 * original and this many small records, however many copies arrive. Twenty is
 * far past any honest retry (a client that resends with fresh submission ids,
 * a channel that replays a batch) and still shows the first of a flood.
 */
export const MAX_STORED_DUPLICATES = 20;

/**
 * What is kept of a duplicate: who sent it, when, and how it compared with the
 * original, never its payload (a hash of it tells two duplicates apart). Every
 * field has a bounded size, so the stored item is under
 * DUPLICATE_ITEM_MAX_BYTES whatever was sent (the order id and the submitter
 * are its only variable parts; measured on both DynamoDB backends in
 * test/integration/duplicate-cap.test.ts).
 */
export interface DuplicateRecord {
  orderId: string;
  submissionId: string;
  channel: Channel;
  /** `<kind>:<subject>` of the caller who sent it (1-128 characters), when known. */
  submittedBy?: string;
  isDuplicate: true;
  status: "DUPLICATE";
  valid: boolean;
  /** Whether the payload equals the original's, key order ignored. */
  sameAsOriginal: boolean;
  /** sha256 of the payload's canonical JSON, base64url: 43 characters. */
  payloadHash: string;
  receivedAt: string;
  processedAt: string;
}

/**
 * The size bound of one stored duplicate record, keys and attribute names
 * included: about 640 bytes with a 64-character order id and a 128-character
 * submitter, the longest each may be; 768 leaves room for ElectroDB's own.
 */
export const DUPLICATE_ITEM_MAX_BYTES = 768;

/** What saving a duplicate did: kept as a record, counted past the cap, or nothing (a redelivery). */
export type DuplicateOutcome = "stored" | "counted" | "already";

/** The record of a later submission of an id that already has an original. */
export function duplicateRecord(
  message: OrderMessage,
  verdict: ValidationResult,
  original: OrderRecord,
  processedAt: Date,
): DuplicateRecord {
  const payload = canonicalJson(message.order);
  return {
    orderId: message.order.id,
    submissionId: message.submissionId,
    channel: message.channel,
    ...(message.submittedBy ? { submittedBy: message.submittedBy } : {}),
    isDuplicate: true,
    status: "DUPLICATE",
    valid: verdict.valid,
    sameAsOriginal: payload === canonicalJson(JSON.parse(original.payload)),
    payloadHash: createHash("sha256").update(payload).digest("base64url"),
    receivedAt: message.receivedAt,
    processedAt: processedAt.toISOString(),
  };
}
