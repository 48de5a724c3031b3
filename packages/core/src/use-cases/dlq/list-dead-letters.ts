import { type DeadLetterView, messageKeyOf, type SagaHolds } from "../../domain/dead-letter.ts";
import { paymentTransferId } from "../../domain/fulfilment.ts";
import type { OrderRecord } from "../../domain/order.ts";
import type { AccountLedger, DeadLetterStore, FailureLog, OrderRepository, StockLedger } from "../../ports.ts";
import { recordedSubmission } from "./recorded-submission.ts";

export interface ListDeadLettersInput {
  /** Only messages whose recorded reason has this code; `NONE` for those with none. */
  reason?: string | undefined;
  limit: number;
  /** Opaque: from the previous page. */
  cursor?: string | undefined;
}

export interface ListDeadLettersDeps {
  deadLetters: DeadLetterStore;
  failures: FailureLog;
  repository: OrderRepository;
  /** With these, a PENDING order's listing shows what its saga holds. */
  stock?: StockLedger;
  accounts?: AccountLedger;
  /** The most messages one listing reads from the queue. */
  scanMax?: number;
}

export interface DeadLetterPage {
  depth: number;
  /** Message count per reason code over the whole queue, for grouping. */
  reasons: Record<string, number>;
  /** Without receipt handles: those belong to the receive that listed them. */
  messages: Omit<DeadLetterView, "receiptHandle">[];
  cursor?: string | undefined;
}

/**
 * Lists the dead-letter queue without consuming it: each message with its
 * recorded failure reason and the order record it produced, if any. Oldest
 * first, filterable by reason code, paginated.
 */
export async function listDeadLetters(input: ListDeadLettersInput, deps: ListDeadLettersDeps): Promise<DeadLetterPage> {
  const letters = await deps.deadLetters.scan(deps.scanMax ?? 500);
  const keyed = letters.map((letter) => ({ ...letter, messageKey: messageKeyOf(letter.body) }));
  const failures = await deps.failures.find(keyed.map((letter) => letter.messageKey));
  const all = keyed
    .map((letter) => ({ ...letter, failure: failures.get(letter.messageKey) }))
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.messageId.localeCompare(b.messageId));

  const reasons: Record<string, number> = {};
  for (const letter of all) {
    const code = letter.failure?.code ?? "NONE";
    reasons[code] = (reasons[code] ?? 0) + 1;
  }
  const matching = input.reason ? all.filter((letter) => (letter.failure?.code ?? "NONE") === input.reason) : all;
  const start = Math.max(0, Number.parseInt(input.cursor ?? "0", 10) || 0);
  const page = matching.slice(start, start + input.limit);
  const messages = await Promise.all(
    page.map(async ({ receiptHandle: _, ...letter }) => {
      const order = await recordedSubmission(letter.body, deps.repository);
      const holds = order && !order.isDuplicate ? await holdsOf(order, deps) : undefined;
      return { ...letter, order, ...(holds ? { holds } : {}) };
    }),
  );
  const next = start + input.limit;
  return {
    depth: await deps.deadLetters.depth(),
    reasons,
    messages,
    ...(next < matching.length ? { cursor: String(next) } : {}),
  };
}

/** What a PENDING original's saga holds now: each line's marker and the payment, if any. */
async function holdsOf(order: OrderRecord, deps: ListDeadLettersDeps): Promise<SagaHolds | undefined> {
  if (order.status !== "PENDING" || !deps.stock || !deps.accounts || !order.fromAccount) return undefined;
  const lines = order.lines ?? [];
  const found = await deps.stock.reservationsOf(
    order.orderId,
    lines.map((line) => line.sku),
  );
  const payment = await deps.accounts.transfer(order.fromAccount, paymentTransferId(order.orderId));
  const credit =
    payment?.status === "POSTED" && order.toAccount
      ? await deps.accounts.transfer(order.toAccount, paymentTransferId(order.orderId))
      : undefined;
  const stuck =
    payment?.status === "POSTED" && !credit
      ? `payment posted by ${order.fromAccount}, not yet credited to ${order.toAccount ?? "its payee"}`
      : undefined;
  return {
    reservations: lines.flatMap((line) => {
      const marker = found.get(line.sku);
      return marker ? [{ sku: line.sku, quantity: marker.quantity, status: marker.status }] : [];
    }),
    ...(payment ? { payment: { status: payment.status, amountCents: payment.amountCents } } : {}),
    ...(stuck ? { stuck } : {}),
  };
}
