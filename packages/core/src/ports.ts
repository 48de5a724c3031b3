import type { AuditEntry, DeadLetter, FailureRecord, FailureReport } from "./domain/dead-letter.ts";
import type { OrderMessage, OrderRecord } from "./domain/order.ts";

/**
 * Ports: what the use cases need from the outside world. Adapters in
 * `adapters/` implement them over AWS; tests implement them in memory.
 * Every adapter turns SDK errors into `DependencyError`.
 */

export type ClaimResult = { outcome: "claimed" } | { outcome: "exists"; existing: OrderRecord };

export interface OrderHistory {
  original: OrderRecord;
  duplicates: OrderRecord[];
}

export interface OrderRepository {
  /**
   * Writes `record` as the original of its order id only if the id has no
   * original yet. Otherwise writes nothing and returns the existing original.
   */
  claimOriginal(record: OrderRecord): Promise<ClaimResult>;
  /** Writes a duplicate's record. Writing the same submission twice is a no-op. */
  saveDuplicate(record: OrderRecord): Promise<void>;
  /** The original and every duplicate of an order id, or undefined. */
  findHistory(orderId: string): Promise<OrderHistory | undefined>;
  /** Throws if the table cannot be reached. */
  ping(): Promise<void>;
}

export interface OrderArchive {
  /** Stores the JSON of a valid original under `key`. Idempotent. */
  put(key: string, json: string): Promise<void>;
  /** A time-limited download URL, or undefined when nothing is stored at `key`. */
  downloadUrl(key: string): Promise<string | undefined>;
  ping(): Promise<void>;
}

export interface OrderQueue {
  /** Puts one submission on the queue; resolves once the queue has it. */
  enqueue(message: OrderMessage): Promise<void>;
  ping(): Promise<void>;
}

export interface DeadLetterQueue {
  /** Approximate number of messages waiting in the dead-letter queue. */
  depth(): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface RetryScheduler {
  /** Makes a received message visible again after `seconds`. */
  retryAfter(receiptHandle: string, seconds: number): Promise<void>;
}

export interface FailureLog {
  /** Adds one failed attempt to the message's failure record. */
  record(report: FailureReport): Promise<void>;
  /** The failure records of these message keys, by key. */
  find(messageKeys: string[]): Promise<Map<string, FailureRecord>>;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(options: {
    limit: number;
    cursor?: string | undefined;
  }): Promise<{ entries: AuditEntry[]; cursor?: string | undefined }>;
}

export interface DeadLetterStore {
  /** Every message in the queue (up to `max`), received briefly and released again. */
  scan(max: number): Promise<DeadLetter[]>;
  /** Receives and holds these messages, so that they can be deleted; missing ids are left out. */
  take(messageIds: string[]): Promise<DeadLetter[]>;
  /** Makes a held message visible again. */
  release(letter: DeadLetter): Promise<void>;
  delete(letter: DeadLetter): Promise<void>;
  depth(): Promise<number>;
}

export interface MessageSender {
  /** Sends a body to OrdersQueue as is; returns the new message id. */
  send(body: string, messageAttributes: Record<string, string>): Promise<string>;
}
