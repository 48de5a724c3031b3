import type {
  OrderFailure,
  PaymentView,
  ReservationView,
  SagaLogEntry,
  SagaPlan,
  SagaStep,
} from "../domain/fulfilment.ts";
import { paymentTransferId } from "../domain/fulfilment.ts";
import type { OrderRecord, OrderResolution } from "../domain/order.ts";
import { initialView, nextAction, type SagaAction, type SagaView } from "../domain/saga.ts";
import type { AccountLedger, Clock, OrderRepository, StockLedger } from "../ports.ts";

export interface RunSagaDeps {
  repository: OrderRepository;
  stock: StockLedger;
  accounts: AccountLedger;
  clock?: Clock;
}

export interface SagaRunOptions {
  /** The delivery attempt this run belongs to (the SQS receive count). */
  attempt: number;
  /** A failure decided from outside (a timeout, a discard): compensate unless already committed. */
  abort?: OrderFailure | undefined;
}

/** No saga needs more actions than this; more means a bug, and the run stops rather than spin. */
const MAX_ACTIONS = 16;

/** The saga plan of a valid original. */
export function sagaPlanOf(order: OrderRecord): SagaPlan {
  if (order.amountCents === undefined || !order.fromAccount || !order.toAccount) {
    throw new Error(`Order ${order.orderId} is not a valid original: it has no saga`);
  }
  return {
    orderId: order.orderId,
    transferId: paymentTransferId(order.orderId),
    payer: order.fromAccount,
    payee: order.toAccount,
    amountCents: order.amountCents,
    lines: order.lines ?? [],
  };
}

/** What the run has done, for the saga log and the final record. */
export class RunLog {
  readonly entries: SagaLogEntry[] = [];
  heldCents = 0;
  readonly #attempt: number;
  readonly #clock: Clock;

  constructor(attempt: number, clock: Clock) {
    this.#attempt = attempt;
    this.#clock = clock;
  }

  add(step: SagaStep, outcome: string, detail?: string): void {
    const entry: SagaLogEntry = { step, outcome, attempt: this.#attempt, at: this.#clock.now().toISOString() };
    if (detail !== undefined) entry.detail = detail;
    this.entries.push(entry);
  }
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Runs an order's saga from wherever it stands to its end: check the
 * accounts, reserve every line, hold the payment, then post it, credit the
 * payee and commit the stock; or, on a failure, void the payment and release
 * the stock. Every effect is idempotent, so a redelivered or concurrent run
 * replays what was done and changes nothing twice (see `domain/saga.ts`).
 * If a dependency fails part-way, the run's log is appended to the order and
 * the error is rethrown for the queue to retry.
 */
export async function runSaga(order: OrderRecord, deps: RunSagaDeps, options: SagaRunOptions): Promise<OrderRecord> {
  const end = await driveSaga(order, deps, options);
  return deps.repository.resolve(order, end.resolution);
}

/** Where a saga run stopped: confirmed or failed, with the resolution to write. */
export interface SagaEnd {
  confirmed: boolean;
  plan: SagaPlan;
  log: RunLog;
  resolution: OrderResolution;
}

/**
 * Drives the saga to its end without writing that end: `runSaga` writes it;
 * a cancellation carries on from it. If a dependency fails part-way, the
 * run's log is appended to the order and the error is rethrown.
 */
export async function driveSaga(order: OrderRecord, deps: RunSagaDeps, options: SagaRunOptions): Promise<SagaEnd> {
  const clock = deps.clock ?? systemClock;
  const plan = sagaPlanOf(order);
  const view = initialView(plan, options.abort);
  const log = new RunLog(options.attempt, clock);
  try {
    for (let step = 0; step < MAX_ACTIONS; step++) {
      const action = nextAction(plan, view);
      if (action.type === "confirm" || action.type === "fail") {
        return {
          confirmed: action.type === "confirm",
          plan,
          log,
          resolution: resolutionOf(plan, view, action, log, clock),
        };
      }
      await apply(plan, view, action, log, deps, clock);
    }
    throw new Error(`Order ${plan.orderId}: the saga did not end within ${MAX_ACTIONS} actions`);
  } catch (error) {
    await keepLog(plan.orderId, log, deps);
    throw error;
  }
}

/** Appends a failed run's log to its order, best effort: the error that stopped the run matters more. */
export async function keepLog(orderId: string, log: RunLog, deps: RunSagaDeps): Promise<void> {
  if (log.entries.length > 0) await deps.repository.appendSagaLog(orderId, log.entries).catch(() => undefined);
}

/**
 * Runs a line's effects side by side and waits for every one, so that no
 * effect is still in flight when the run moves on or gives up. Returns the
 * outcomes in order; if any failed, throws the first error after the others
 * were recorded by the caller's next run.
 */
async function settleAll<T>(effects: Promise<T>[]): Promise<(T | undefined)[]> {
  const settled = await Promise.allSettled(effects);
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : undefined));
}

async function apply(
  plan: SagaPlan,
  view: SagaView,
  action: Exclude<SagaAction, { type: "confirm" | "fail" }>,
  log: RunLog,
  deps: RunSagaDeps,
  clock: Clock,
): Promise<void> {
  const at = clock.now().toISOString();
  const quantityOf = (sku: string) => plan.lines.find((line) => line.sku === sku)?.quantity ?? 0;
  switch (action.type) {
    case "checkAccounts": {
      const missing = await deps.accounts.missing([plan.payer, plan.payee]);
      view.accounts = missing.length > 0 ? { missing } : "OK";
      log.add("accounts", missing.length > 0 ? "MISSING" : "OK", missing.join(", ") || undefined);
      return;
    }
    case "reserve": {
      const results = await settleAll(action.skus.map((sku) => deps.stock.reserve(sku, plan.orderId, quantityOf(sku))));
      action.skus.forEach((sku, i) => {
        const result = results[i];
        if (!result) return;
        view.lines[sku] = result.status === "SHORT" ? { short: result.available } : result.status;
        const detail = `${sku} ×${quantityOf(sku)}${result.status === "SHORT" ? `, ${result.available} available` : ""}`;
        log.add("reserve", result.status, detail);
      });
      return;
    }
    case "hold": {
      const result = await deps.accounts.hold(plan.payer, plan.transferId, plan.amountCents, plan.orderId, at);
      if (result.status === "INSUFFICIENT") {
        view.payment = { insufficient: result.available };
      } else {
        view.payment = result.status;
        if (result.status === "VOIDED") view.voidReason = result.reason;
        if (result.status === "HELD") log.heldCents = plan.amountCents;
      }
      log.add("hold", result.status, `${plan.amountCents / 100} from ${plan.payer}`);
      return;
    }
    case "post": {
      const result = await deps.accounts.post(plan.payer, plan.transferId, plan.amountCents, at);
      view.payment = result.status;
      if (result.status === "VOIDED") view.voidReason = result.reason;
      log.add("post", result.status);
      return;
    }
    case "credit": {
      await deps.accounts.credit(plan.payee, plan.transferId, plan.amountCents, plan.orderId, at);
      view.credit = "CREDITED";
      log.add("credit", "CREDITED", `${plan.amountCents / 100} to ${plan.payee}`);
      return;
    }
    case "commit":
    case "release": {
      const effect = action.type === "commit" ? deps.stock.commit : deps.stock.release;
      const results = await settleAll(
        action.skus.map((sku) => effect.call(deps.stock, sku, plan.orderId, quantityOf(sku))),
      );
      action.skus.forEach((sku, i) => {
        const status = results[i];
        if (!status) return;
        view.lines[sku] = status;
        log.add(action.type, status, sku);
      });
      return;
    }
    case "void": {
      const result = await deps.accounts.void(
        plan.payer,
        plan.transferId,
        plan.amountCents,
        action.reason,
        plan.orderId,
        at,
      );
      view.payment = result.status;
      if (result.status === "VOIDED") {
        view.voidReason = result.reason ?? action.reason;
        log.heldCents = Math.max(log.heldCents, result.heldCents);
      }
      log.add("void", result.status, view.voidReason?.code);
      return;
    }
  }
}

function resolutionOf(
  plan: SagaPlan,
  view: SagaView,
  action: Extract<SagaAction, { type: "confirm" | "fail" }>,
  log: RunLog,
  clock: Clock,
): OrderResolution {
  const confirmed = action.type === "confirm";
  log.add(
    confirmed ? "confirm" : "fail",
    confirmed ? "CONFIRMED" : "FAILED",
    confirmed ? undefined : action.failure.code,
  );
  const reservations: ReservationView[] = plan.lines.map((line) => {
    const seen = view.lines[line.sku];
    return { sku: line.sku, quantity: line.quantity, status: seen === "COMMITTED" ? "COMMITTED" : "RELEASED" };
  });
  // A payment shows once a hold was attempted: a confirmed order posted one;
  // a failed one shows it only if funds were really held before the void.
  const payment: PaymentView | undefined = confirmed
    ? { status: "POSTED", amountCents: plan.amountCents }
    : log.heldCents > 0 || log.entries.some((entry) => entry.step === "hold")
      ? { status: "VOIDED", amountCents: plan.amountCents }
      : undefined;
  return {
    status: confirmed ? "CONFIRMED" : "FAILED",
    failure: confirmed ? undefined : action.failure,
    saga: log.entries,
    payment,
    reservations,
    resolvedAt: clock.now().toISOString(),
  };
}
