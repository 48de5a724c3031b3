import type { AuditEntry, DeadLetter, FailureRecord, FailureReport } from "./domain/dead-letter.ts";
import type { DuplicateOutcome, DuplicateRecord } from "./domain/duplicates.ts";
import type { OrderFailure, PaymentStatus, ReservationStatus, SagaLogEntry } from "./domain/fulfilment.ts";
import type { MetricPoint, MetricsWindow } from "./domain/metrics-overview.ts";
import type { NotificationRecord } from "./domain/notification.ts";
import type { Cancellation, OrderMessage, OrderRecord, OrderResolution, OrderStatus } from "./domain/order.ts";
import type { OrderEvent } from "./domain/order-events.ts";
import type { ListingPosition, ListingRole } from "./domain/order-listing.ts";
import type { OrderSearch } from "./domain/order-search.ts";
import type { CancelMessage } from "./domain/queue-message.ts";
import type { WebhookCircuit } from "./domain/webhook-circuit.ts";
import type { Webhook } from "./domain/webhook-rotation.ts";

/**
 * Ports: what the use cases need from the outside world. Adapters in
 * `adapters/` implement them over AWS; tests implement them in memory.
 * Every adapter turns SDK errors into `DependencyError`.
 */

export type ClaimResult = { outcome: "claimed" } | { outcome: "exists"; existing: OrderRecord };

export interface OrderHistory {
  original: OrderRecord;
  /** The duplicates kept as records (at most MAX_STORED_DUPLICATES), oldest first. */
  duplicates: DuplicateRecord[];
  /** Duplicates past the cap: counted, not kept (see `OrderRepository.saveDuplicate`). */
  duplicatesNotStored: number;
  /** The deliveries of the order's events, oldest event first. */
  notifications: NotificationRecord[];
}

/** The reads of an order every GET /orders/{id} and every delivery makes: `OrderRepository`'s, alone. */
export type OrderReader = Pick<OrderRepository, "findOriginal" | "findHistory">;

/** `OrderRepository.listByAccount`'s question. */
export interface AccountOrdersQuery {
  accountId: string;
  role: ListingRole;
  status?: OrderStatus | undefined;
  limit: number;
  after?: ListingPosition | undefined;
}

export interface OrderRepository {
  /**
   * Writes `record` as the original of its order id only if the id has no
   * original yet. Otherwise writes nothing and returns the existing original.
   */
  claimOriginal(record: OrderRecord): Promise<ClaimResult>;
  /**
   * Keeps a duplicate's record while its order id has fewer than
   * MAX_STORED_DUPLICATES; past that, counts it on the original instead.
   * Saving the same submission again is a no-op: it is neither kept nor
   * counted twice.
   */
  saveDuplicate(record: DuplicateRecord): Promise<DuplicateOutcome>;
  /** The original of an order id alone (one read of one item), or undefined. */
  findOriginal(orderId: string): Promise<OrderRecord | undefined>;
  /** The original and every duplicate of an order id, or undefined. */
  findHistory(orderId: string): Promise<OrderHistory | undefined>;
  /**
   * Writes a saga's end on its original, only while the order is still
   * PENDING: the first run to finish wins. Returns the record as it stands.
   */
  resolve(order: OrderRecord, resolution: OrderResolution, from?: "PENDING" | "CANCELLING"): Promise<OrderRecord>;
  /**
   * Marks a PENDING or CONFIRMED original CANCELLING, with the request.
   * Returns the record as it stands (unchanged if its status was another).
   */
  markCancelling(order: OrderRecord, cancellation: Cancellation): Promise<OrderRecord>;
  /** Appends a run's saga log to a PENDING or CANCELLING original (a run that failed part-way). */
  appendSagaLog(orderId: string, entries: SagaLogEntry[]): Promise<void>;
  /** PENDING originals received before `receivedBefore`, oldest first. */
  findPending(receivedBefore: string, limit: number): Promise<OrderRecord[]>;
  /**
   * An account's originals as payer or payee, newest first (by `receivedAt`,
   * then order id), strictly after `after`, with `status` if given. `next` is
   * where to go on from, absent once the listing is exhausted; a page may hold
   * fewer than `limit` orders and still have a `next` (a status filter stops
   * after examining a bounded number of orders).
   */
  listByAccount(query: AccountOrdersQuery): Promise<{ orders: OrderRecord[]; next?: ListingPosition | undefined }>;
  /**
   * Every original received in the search's window, newest first, then by
   * id, with its status if it names one: a page, and the position to go on
   * from while there may be more.
   */
  search(query: OrderSearch): Promise<{ orders: OrderRecord[]; next?: ListingPosition | undefined }>;
  /** Throws if the table cannot be reached. */
  ping(): Promise<void>;
}

/** What reserving a line found: the line's marker after the call, or a shortfall. */
export type ReserveResult = { status: ReservationStatus } | { status: "SHORT"; available: number };

/** Stock per sku: `onHand`, `reserved`, and `available = onHand − reserved`, kept as a counter. */
export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  updatedAt: string;
}

/**
 * Stock, with each order's reservation of a sku kept as a marker in the sku's
 * own item, written by the same conditional write that moves the counters.
 * Every call is idempotent per (sku, order).
 */
export interface StockLedger {
  /** Holds `quantity` unless the order already has a marker on the sku; SHORT if it does not fit. */
  reserve(sku: string, orderId: string, quantity: number): Promise<ReserveResult>;
  /** Moves a HELD reservation out of `onHand`. Returns the marker's status after the call. */
  commit(sku: string, orderId: string, quantity: number): Promise<ReservationStatus>;
  /**
   * Gives a HELD reservation back. With no marker, writes a RELEASED one, so
   * that a late reserve of the same order can never hold. Returns the status after.
   */
  release(sku: string, orderId: string, quantity: number): Promise<ReservationStatus>;
  /** Gives a COMMITTED (sold) line back to `onHand`: a cancelled order's stock. Returns the status after. */
  restock(sku: string, orderId: string, quantity: number): Promise<ReservationStatus>;
  /** The order's markers on these skus. */
  reservationsOf(
    orderId: string,
    skus: string[],
  ): Promise<Map<string, { quantity: number; status: ReservationStatus }>>;
  find(sku: string): Promise<StockLevel | undefined>;
  /**
   * Every sku, with the units its HELD markers hold and each HELD marker by
   * its holder's `reservationKey`: for the consistency audit (a full read of the stock).
   */
  all(): Promise<(StockLevel & { heldUnits: number; held: { key: string; quantity: number }[] })[]>;
  /** The key an order's reservations are kept under in `all()`'s `held`. */
  reservationKey(orderId: string): string;
  /** Sets the physical count; throws StockBelowReservedError when `onHand` < reserved. */
  setOnHand(sku: string, onHand: number, at: string): Promise<StockLevel>;
}

/** What holding a payment found: the transfer's status after the call, or a shortfall of funds. */
export type HoldResult =
  | { status: "HELD" | "POSTED" }
  | { status: "VOIDED"; reason?: OrderFailure | undefined }
  | { status: "INSUFFICIENT"; available: number };

/** A transfer's end. A VOIDED one carries the failure recorded with it, and the cents it had held (0 for a marker only). */
export type ResolveResult =
  | { status: "POSTED" }
  | { status: "VOIDED"; reason?: OrderFailure | undefined; heldCents: number };

/** One movement of an account, as its ledger lists it. Amounts in cents. */
export interface LedgerEntry {
  transferId: string;
  kind: "DEPOSIT" | "DEBIT" | "CREDIT";
  amountCents: number;
  /** DEBITs go HELD → POSTED | VOIDED; deposits and credits are POSTED. */
  status: PaymentStatus;
  at: string;
  orderId?: string;
}

/** Where a page of entries ends: the last entry's time and transfer id (entries are newest first). */
export interface EntryPosition {
  at: string;
  transferId: string;
}

/** A page of an account's entries, newest first, and where the next starts while there may be more. */
export interface EntriesPage {
  entries: LedgerEntry[];
  next?: EntryPosition;
}

/**
 * What the consistency audit reads of one account, without its whole history:
 * its counters, what the entries archived out of its item add up to, the
 * entries still in the item, and those archived entries dated at or after the
 * audit's `since` (read through an index, not a scan).
 */
export interface AccountAudit {
  accountId: string;
  balanceCents: number;
  heldCents: number;
  /** Σ of the archived entries as `ledgerTotalCents` counts them, and their deposits. */
  archivedNetCents: number;
  archivedDepositCents: number;
  current: LedgerEntry[];
  recent: LedgerEntry[];
}

export interface AccountState {
  accountId: string;
  /** Spendable cents; holds are not part of it. */
  balanceCents: number;
  heldCents: number;
  entries: LedgerEntry[];
  createdAt: string;
  updatedAt: string;
}

/**
 * Accounts and their ledger, after TigerBeetle's two-phase transfers: a
 * pending transfer holds funds and resolves once, posted or voided. Each
 * transfer is a marker in the account's own item, written by the same
 * conditional write that moves the balance.
 */
export interface AccountLedger {
  /** The ids among these that have no account. */
  missing(accountIds: string[]): Promise<string[]>;
  /** Moves `amountCents` from the balance to held, unless the transfer exists. */
  hold(accountId: string, transferId: string, amountCents: number, orderId: string, at: string): Promise<HoldResult>;
  /** Takes a HELD transfer out of the account for good. */
  post(accountId: string, transferId: string, amountCents: number, at: string): Promise<ResolveResult>;
  /** Gives a HELD transfer back; with none, records a VOIDED one so that no late hold applies. */
  void(
    accountId: string,
    transferId: string,
    amountCents: number,
    reason: OrderFailure,
    orderId: string,
    at: string,
  ): Promise<ResolveResult>;
  /** Takes `amountCents` from the balance at once (posted), once per transfer id; INSUFFICIENT if it cannot. */
  debit(
    accountId: string,
    transferId: string,
    amountCents: number,
    orderId: string,
    at: string,
  ): Promise<{ status: "DEBITED" } | { status: "INSUFFICIENT"; available: number }>;
  /** Adds `amountCents` to the balance, once per transfer id. */
  credit(accountId: string, transferId: string, amountCents: number, orderId: string, at: string): Promise<void>;
  /** One transfer of an account, if it exists. */
  transfer(accountId: string, transferId: string): Promise<LedgerEntry | undefined>;
  /** Opens an account; true when it was created, false when it existed. */
  open(accountId: string, at: string): Promise<boolean>;
  /** Adds funds once per reference; throws AccountNotFoundError. */
  deposit(accountId: string, reference: string, amountCents: number, at: string): Promise<void>;
  /** The account with its latest 10 entries, newest first. */
  find(accountId: string): Promise<AccountState | undefined>;
  /** A page of the account's entries, newest first, after `after`; empty for no account. */
  entries(accountId: string, limit: number, after?: EntryPosition): Promise<EntriesPage>;
  /** Every account as the consistency audit reads it, with the entries archived at or after `since` (all with none). */
  auditView(since?: string): Promise<AccountAudit[]>;
}

/** Where consistency reports are kept (the orders bucket, under `reports/`). */
export interface ReportArchive {
  put(key: string, json: string): Promise<void>;
  /** The stored JSON at `key`, or undefined. */
  read(key: string): Promise<string | undefined>;
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

/** Where cancellations wait for the processor: OrdersQueue, beside the submissions. */
export interface CancelRequests {
  enqueueCancel(message: CancelMessage): Promise<void>;
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

/** Which event's delivery: the key of a notification record. */
export interface NotificationKey {
  orderId: string;
  eventId: string;
}

/** Reads delivery records back, for operators: what became of the events waiting in NotificationsDlq. */
export interface NotificationRecords {
  /** The records of these events that exist, in no particular order. */
  find(keys: NotificationKey[]): Promise<NotificationRecord[]>;
}

export interface MessageSender {
  /** Sends a body to OrdersQueue as is; returns the new message id. */
  send(body: string, messageAttributes: Record<string, string>): Promise<string>;
}

/** Where order events go: the OrderEvents topic. */
export interface OrderEventPublisher {
  /** Publishes each event. Publishing one again is harmless: its id and content do not change. */
  publish(events: OrderEvent[]): Promise<void>;
}

/** What claiming an event's delivery found. */
export type NotificationClaim =
  | { outcome: "claimed"; attempts: number }
  | { outcome: "delivered" | "in-flight"; record: NotificationRecord };

/**
 * The delivery record of each order event, kept in the order's partition.
 * The claim is the marker: one conditional write per attempt decides who may
 * send, and a DELIVERED record is never claimed again.
 */
export interface NotificationLog {
  /** Takes the attempt until `leaseUntil`, unless the event was delivered or another attempt holds a live lease. */
  claim(event: OrderEvent, accountId: string, at: string, leaseUntil: string): Promise<NotificationClaim>;
  /** Records the success of the attempt that holds the claim. */
  delivered(orderId: string, eventId: string, responseStatus: number, at: string): Promise<void>;
  /** Records a failed attempt; `final` when no retry will follow. Never overwrites DELIVERED. */
  failed(orderId: string, eventId: string, error: string, at: string, final: boolean): Promise<void>;
  /** Records that the payer had no webhook: nothing was sent. */
  noWebhook(event: OrderEvent, accountId: string, at: string): Promise<void>;
  /**
   * Records that the event waits for its endpoint's circuit until `until`.
   * Nothing is written when the event was delivered meanwhile ("delivered":
   * it must not be queued again) or another attempt holds a live lease on it
   * at `at` ("in-flight": that attempt's outcome stands).
   */
  waiting(
    event: OrderEvent,
    accountId: string,
    until: string,
    at: string,
  ): Promise<"waiting" | "delivered" | "in-flight">;
}

/** Each webhook endpoint's circuit breaker, by account and URL (domain/webhook-circuit.ts). */
export interface WebhookCircuits {
  find(accountId: string, url: string): Promise<WebhookCircuit | undefined>;
  /**
   * Writes `next` only over the version it was derived from (`next.version - 1`;
   * version 1 means no circuit was stored). False, and nothing written, when
   * another attempt wrote in between: read again and decide again.
   */
  save(accountId: string, next: WebhookCircuit): Promise<boolean>;
}

/** Puts an order event back on the Notifier's queue as a new message, delivered after `delaySeconds` (≤ 900). */
export interface NotificationRequeue {
  later(event: OrderEvent, delaySeconds: number): Promise<void>;
}

export type { Webhook } from "./domain/webhook-rotation.ts";

/** Webhooks by account: a small item of its own, beside (not in) the account's item. */
export interface WebhookRegistry {
  /**
   * Sets the account's webhook, only if the stored one is still `replacing`
   * (the one `webhook` was derived from; undefined: none). False, and nothing
   * written, when another save came in between: read again and rederive.
   */
  save(accountId: string, webhook: Webhook, replacing: Webhook | undefined): Promise<boolean>;
  find(accountId: string): Promise<Webhook | undefined>;
}

/**
 * POSTs a body to a webhook URL. A non-2xx answer is returned as its status;
 * a forbidden URL or address, a DNS or network failure and a timeout throw
 * `WebhookDeliveryError` with a short reason.
 */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }>;
}

/** The stage's metrics, a point a minute: CloudWatch deployed, the local runtime's own readings offline. */
export interface MetricsSource {
  /** Each named count's sum per minute of the window, by name; a minute with nothing in it may have no point. */
  counts(names: readonly string[], window: MetricsWindow): Promise<Record<string, MetricPoint[]>>;
  /** Each queue's largest visible depth per minute of the window, by the key its name is given under. */
  depths(queueNames: Record<string, string>, window: MetricsWindow): Promise<Record<string, MetricPoint[]>>;
}
