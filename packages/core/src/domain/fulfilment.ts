/**
 * The vocabulary of fulfilment: order lines, reservations, the payment and
 * the saga log. Amounts here are integer cents.
 */

/** One line of an order, priced in cents. */
export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** A reservation of one line: held, then committed (sold) or released; a sold line cancelled is RETURNED to stock. */
export type ReservationStatus = "HELD" | "COMMITTED" | "RELEASED" | "RETURNED";

/** The order's payment, a two-phase transfer: held, then posted or voided, once. */
export type PaymentStatus = "HELD" | "POSTED" | "VOIDED";

export type FailureCode =
  | "OUT_OF_STOCK"
  | "INSUFFICIENT_FUNDS"
  | "UNKNOWN_ACCOUNT"
  | "SAGA_TIMEOUT"
  | "DISCARDED"
  | "CANCELLED";

/** A line that did not fit, as the order's failure details report it. */
export interface Shortfall {
  sku: string;
  requested: number;
  available: number;
}

/** Why an order failed; `details` is code-specific (shortfalls for OUT_OF_STOCK). */
export interface OrderFailure {
  code: FailureCode;
  message: string;
  details?: unknown;
}

export type SagaStep =
  | "accounts"
  | "reserve"
  | "hold"
  | "post"
  | "credit"
  | "commit"
  | "void"
  | "release"
  | "confirm"
  | "fail"
  | "cancel"
  | "refund"
  | "restock";

/** One step outcome of the saga log, oldest first. */
export interface SagaLogEntry {
  step: SagaStep;
  outcome: string;
  attempt: number;
  at: string;
  detail?: string;
}

/** What the saga acts upon, taken from a valid original. */
export interface SagaPlan {
  orderId: string;
  /** The transfer id of the payment: derived from the order id, so every retry names the same transfer. */
  transferId: string;
  payer: string;
  payee: string;
  amountCents: number;
  lines: OrderLine[];
}

/** The transfer id of an order's payment. */
export function paymentTransferId(orderId: string): string {
  return `order:${orderId}`;
}

/** The transfer id of a cancelled order's refund: payee → payer, once. */
export function refundTransferId(orderId: string): string {
  return `refund:${orderId}`;
}

/**
 * Where an order's payment stands: its transfer's status, or REFUNDED once a
 * cancellation gave a posted payment back (the transfer stays POSTED in the
 * ledger; the refund is a transfer of its own, `refund:<orderId>`).
 */
export type PaymentViewStatus = PaymentStatus | "REFUNDED";

/** The payment as `GET /orders/{id}` shows it. */
export interface PaymentView {
  status: PaymentViewStatus;
  amountCents: number;
}

/** A line's reservation as `GET /orders/{id}` shows it. */
export interface ReservationView {
  sku: string;
  quantity: number;
  status: ReservationStatus;
}
