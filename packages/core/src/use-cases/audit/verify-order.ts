import { parseInput } from "../../domain/admin-inputs.ts";
import { type ConsistencyCheck, check, expectedLineStatus, expectedPaymentStatus } from "../../domain/consistency.ts";
import { OrderNotFoundError } from "../../domain/errors.ts";
import { paymentTransferId, refundTransferId } from "../../domain/fulfilment.ts";
import { OrderIdSchema } from "../../domain/order.ts";
import type { AccountLedger, OrderRepository, ReportArchive, StockLedger } from "../../ports.ts";

export interface VerifyOrderDeps {
  repository: OrderRepository;
  stock: StockLedger;
  accounts: AccountLedger;
  archive: ReportArchive;
}

export interface OrderConsistency {
  orderId: string;
  status: string;
  consistent: boolean;
  checks: ConsistencyCheck[];
}

/**
 * Checks one order against everything it left behind: each line's marker in
 * the stock, the payment and the credit in the ledgers (and the refund, if
 * any), and the archived JSON. A running order (PENDING, CANCELLING) is only
 * checked for what cannot change any more.
 */
export async function verifyOrder(rawId: string, deps: VerifyOrderDeps): Promise<OrderConsistency> {
  const orderId = parseInput(OrderIdSchema, rawId, "The order id", "id");
  const history = await deps.repository.findHistory(orderId);
  if (!history) throw new OrderNotFoundError(`No processed order has id ${orderId}`);
  const order = history.original;
  const checks: ConsistencyCheck[] = [];

  if (order.s3Key) {
    const stored = await deps.archive.read(order.s3Key);
    checks.push(check("archive", order.payload, stored));
  }
  const lines = order.lines ?? [];
  const lineStatus = expectedLineStatus(order);
  if (lineStatus && lines.length > 0) {
    const found = await deps.stock.reservationsOf(
      orderId,
      lines.map((line) => line.sku),
    );
    for (const line of lines) {
      const marker = found.get(line.sku);
      const quantity = lineStatus === "RELEASED" && marker?.quantity === 0 ? 0 : line.quantity;
      checks.push(check(`reservation ${line.sku}`, { status: lineStatus, quantity }, marker ?? null));
    }
  }
  const paymentStatus = expectedPaymentStatus(order);
  if (paymentStatus && order.fromAccount && order.toAccount && order.amountCents !== undefined) {
    const payment = await deps.accounts.transfer(order.fromAccount, paymentTransferId(orderId));
    // A failure before any hold leaves a VOIDED marker of 0 cents, or nothing on a missing account.
    checks.push(
      check("payment", paymentStatus, payment?.status ?? (order.failure?.code === "UNKNOWN_ACCOUNT" ? "VOIDED" : null)),
    );
    const credit = await deps.accounts.transfer(order.toAccount, paymentTransferId(orderId));
    const credited = paymentStatus === "POSTED" ? order.amountCents : null;
    checks.push(check("payee credit", credited, credit?.amountCents ?? null));
    if (order.refunded) {
      const refundDebit = await deps.accounts.transfer(order.toAccount, refundTransferId(orderId));
      const refundCredit = await deps.accounts.transfer(order.fromAccount, refundTransferId(orderId));
      checks.push(check("refund from payee", order.amountCents, refundDebit?.amountCents ?? null));
      checks.push(check("refund to payer", order.amountCents, refundCredit?.amountCents ?? null));
    }
  }
  return { orderId, status: order.status, consistent: checks.every((c) => c.ok), checks };
}
