import { type DuplicateOutcome, type DuplicateRecord, MAX_STORED_DUPLICATES } from "@orders/core/domain/duplicates";
import type { SagaLogEntry } from "@orders/core/domain/fulfilment";
import type { NotificationRecord } from "@orders/core/domain/notification";
import type { Cancellation, OrderMessage, OrderRecord, OrderResolution } from "@orders/core/domain/order";
import type { ListingPosition } from "@orders/core/domain/order-listing";
import type { OrderSearch } from "@orders/core/domain/order-search";
import { isListedAccount } from "@orders/core/domain/validation";
import type {
  AccountOrdersQuery,
  ClaimResult,
  DeadLetterQueue,
  OrderArchive,
  OrderHistory,
  OrderQueue,
  OrderRepository,
  ReportArchive,
  Webhook,
  WebhookRegistry,
} from "@orders/core/ports";

/**
 * One page of `orders` as an index on `receivedAt#orderId` reads them: past
 * `after`, of `status` if given, newest first, `limit` of them with the next
 * page's position when more remain.
 */
function newestFirstPage(
  orders: OrderRecord[],
  query: { after?: ListingPosition; status?: string; limit: number },
): { orders: OrderRecord[]; next?: ListingPosition } {
  const position = (order: OrderRecord) => `${order.receivedAt}#${order.orderId}`;
  const after = query.after ? `${query.after.receivedAt}#${query.after.orderId}` : undefined;
  const found = orders
    .filter((order) => after === undefined || position(order) < after)
    .filter((order) => !query.status || order.status === query.status)
    // Byte order, as DynamoDB compares keys (localeCompare would not).
    .sort((a, b) => (position(a) < position(b) ? 1 : position(a) > position(b) ? -1 : 0));
  const page = found.slice(0, query.limit).map((order) => structuredClone(order));
  const last = page.at(-1);
  return found.length > query.limit && last
    ? { orders: page, next: { receivedAt: last.receivedAt, orderId: last.orderId } }
    : { orders: page };
}

/** An in-memory `OrderRepository` with the same conditional-write semantics. */
export class InMemoryOrderRepository implements OrderRepository {
  readonly originals = new Map<string, OrderRecord>();
  readonly duplicates = new Map<string, DuplicateRecord>();
  /** Duplicates past the cap, by `orderId/submissionId`, as the table's markers keep them. */
  readonly duplicatesCounted = new Set<string>();
  /** Delivery records by `orderId/eventId`: share it with an `InMemoryNotificationLog`. */
  readonly notifications = new Map<string, NotificationRecord>();

  async claimOriginal(record: OrderRecord): Promise<ClaimResult> {
    const existing = this.originals.get(record.orderId);
    if (existing) return { outcome: "exists", existing: structuredClone(existing) };
    this.originals.set(record.orderId, structuredClone(record));
    return { outcome: "claimed" };
  }

  async saveDuplicate(record: DuplicateRecord): Promise<DuplicateOutcome> {
    const key = `${record.orderId}/${record.submissionId}`;
    if (this.duplicates.has(key) || this.duplicatesCounted.has(key)) return "already";
    const kept = [...this.duplicates.values()].filter((duplicate) => duplicate.orderId === record.orderId);
    if (kept.length < MAX_STORED_DUPLICATES) {
      this.duplicates.set(key, structuredClone(record));
      return "stored";
    }
    this.duplicatesCounted.add(key);
    return "counted";
  }

  async findOriginal(orderId: string): Promise<OrderRecord | undefined> {
    const original = this.originals.get(orderId);
    return original ? structuredClone(original) : undefined;
  }

  async findHistory(orderId: string): Promise<OrderHistory | undefined> {
    const original = this.originals.get(orderId);
    if (!original) return undefined;
    const duplicates = [...this.duplicates.values()].filter((record) => record.orderId === orderId);
    const duplicatesNotStored = [...this.duplicatesCounted].filter((key) => key.startsWith(`${orderId}/`)).length;
    const notifications = [...this.notifications.values()]
      .filter((record) => record.orderId === orderId)
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    return { original, duplicates, duplicatesNotStored, notifications: structuredClone(notifications) };
  }

  async resolve(
    order: OrderRecord,
    resolution: OrderResolution,
    from: "PENDING" | "CANCELLING" = "PENDING",
  ): Promise<OrderRecord> {
    const stored = this.originals.get(order.orderId);
    if (!stored) throw new Error(`no order ${order.orderId}`);
    if (stored.status === from) {
      const { saga, failure, payment, ...fields } = resolution;
      Object.assign(stored, fields, failure ? { failure } : {}, payment ? { payment } : {});
      stored.saga = [...(stored.saga ?? []), ...saga];
    }
    return structuredClone(stored);
  }

  async markCancelling(order: OrderRecord, cancellation: Cancellation): Promise<OrderRecord> {
    const stored = this.originals.get(order.orderId);
    if (!stored) throw new Error(`no order ${order.orderId}`);
    if (stored.status === "PENDING" || stored.status === "CONFIRMED") {
      stored.status = "CANCELLING";
      stored.cancellation = cancellation;
    }
    return structuredClone(stored);
  }

  async appendSagaLog(orderId: string, entries: SagaLogEntry[]): Promise<void> {
    const stored = this.originals.get(orderId);
    if (stored?.status === "PENDING" || stored?.status === "CANCELLING")
      stored.saga = [...(stored.saga ?? []), ...entries];
  }

  async findPending(receivedBefore: string, limit: number): Promise<OrderRecord[]> {
    return [...this.originals.values()]
      .filter((order) => order.status === "PENDING" && order.receivedAt < receivedBefore)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
      .slice(0, limit)
      .map((order) => structuredClone(order));
  }

  /** As the listing indexes hold them: originals with a well-formed account, newest first, then by id. */
  async listByAccount(query: AccountOrdersQuery): Promise<{ orders: OrderRecord[]; next?: ListingPosition }> {
    const account = (order: OrderRecord) => (query.role === "payer" ? order.fromAccount : order.toAccount);
    return newestFirstPage(
      [...this.originals.values()].filter(
        (order) => account(order) === query.accountId && isListedAccount(query.accountId),
      ),
      query,
    );
  }

  /** As `byReceivedHour` holds them: every original in the window, newest first, then by id. */
  async search(query: OrderSearch): Promise<{ orders: OrderRecord[]; next?: ListingPosition }> {
    return newestFirstPage(
      [...this.originals.values()].filter((order) => order.receivedAt >= query.from && order.receivedAt < query.to),
      query,
    );
  }

  async ping(): Promise<void> {}
}

/** The bucket in memory: orders' JSON and, like `S3OrderArchive`, the consistency reports. */
export class InMemoryOrderArchive implements OrderArchive, ReportArchive {
  readonly objects = new Map<string, string>();
  puts = 0;

  async put(key: string, json: string): Promise<void> {
    this.puts += 1;
    this.objects.set(key, json);
  }

  async read(key: string): Promise<string | undefined> {
    return this.objects.get(key);
  }

  async downloadUrl(key: string): Promise<string | undefined> {
    return this.objects.has(key) ? `https://archive.test/${key}?signed` : undefined;
  }

  async ping(): Promise<void> {}
}

export class InMemoryOrderQueue implements OrderQueue, DeadLetterQueue {
  readonly messages: OrderMessage[] = [];

  async enqueue(message: OrderMessage): Promise<void> {
    this.messages.push(structuredClone(message));
  }

  async ping(): Promise<void> {}

  async depth(): Promise<number> {
    return this.messages.length;
  }
}

/** Wraps an object so that the named method rejects. */
export function failing<T extends object>(target: T, method: keyof T, error = new Error("boom")): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (property === method) return () => Promise.reject(error);
      return Reflect.get(object, property, receiver);
    },
  });
}

/** An in-memory `WebhookRegistry`: one webhook per account, saved only over the one it replaces. */
export class InMemoryWebhookRegistry implements WebhookRegistry {
  readonly webhooks = new Map<string, Webhook>();
  #held: { count: number; waiting: (() => void)[]; released: () => void } | undefined;

  /**
   * Holds the next `count` finds until all of them have been asked, then lets
   * them go together (so that concurrent callers read the same webhook).
   * Resolves once they are released.
   */
  holdFinds(count: number): Promise<void> {
    return new Promise((released) => {
      this.#held = { count, waiting: [], released };
    });
  }

  async save(accountId: string, webhook: Webhook, replacing: Webhook | undefined): Promise<boolean> {
    if (this.webhooks.get(accountId)?.secret !== replacing?.secret) return false;
    this.webhooks.set(accountId, structuredClone(webhook));
    return true;
  }

  async find(accountId: string): Promise<Webhook | undefined> {
    const held = this.#held;
    if (held) {
      await new Promise<void>((go) => {
        held.waiting.push(go);
        if (held.waiting.length < held.count) return;
        this.#held = undefined;
        for (const waiting of held.waiting) waiting();
        held.released();
      });
    }
    const webhook = this.webhooks.get(accountId);
    return webhook ? structuredClone(webhook) : undefined;
  }
}
