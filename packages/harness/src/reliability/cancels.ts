import { seededRandom } from "@orders/local/faults";
import type { RunningSystem } from "../local-system.ts";
import { pool } from "../stats.ts";
import { type Accepted, type CancelFigures, json, localState, redriveAll, settle } from "./harness.ts";
import { admin } from "./ledger.ts";

/**
 * The cancel race: `POST /orders/{id}/cancel` fired at a share of the orders
 * while they are being processed, at three moments counted from the order's
 * 202 (in turn, so that each moment gets a third of them):
 *
 * - `immediately`: at once, before the processor has usually recorded the
 *   order, so the answer is mostly 404 ORDER_NOT_FOUND; a 404 is asked again
 *   later (backing off from 0.5 to 4 s), as a client would;
 * - `onSight`: as soon as the order can be read (polled every 100 to 200 ms),
 *   aiming at a saga still PENDING, or one waiting out a retry's backoff;
 * - `afterEnd`: once it is CONFIRMED or FAILED, so a refund (or a 409).
 *
 * A quarter of them are sent twice at once. A poll, or a 404's retries, stop
 * waiting once OrdersQueue is empty (the order's message is done or in the
 * DLQ): the cancellation is then sent as things stand, and a 404 after that
 * is final.
 *
 * What each answer means, and what `check` holds the order's end to:
 *
 * - **202** (this request started the cancellation) or **200** with
 *   `CANCELLING` or `CANCELLED` (it joined one under way or done): the order
 *   must end CANCELLED, never CONFIRMED or FAILED.
 * - **409** `ORDER_NOT_CANCELLABLE` with the status in `details`: nothing was
 *   started (the order had ended FAILED); it must end in that very status.
 * - **404** `ORDER_NOT_FOUND`, final: nothing was started either (the request
 *   checks the order before queueing anything).
 * - A **5xx** left after the helper's retries: the cancellation may or may not
 *   have been queued, so either end is allowed; counted as `unknown`.
 * - An order ends CANCELLED only if some request for it was answered 202 or
 *   200 (or a 5xx); one read FAILED before its cancellation was sent ends
 *   FAILED (so its answer must have been 409). A CANCELLED order was refunded exactly when it had been
 *   paid (`refunded` ⇔ payment POSTED), always if it was seen CONFIRMED before
 *   its cancellation was sent, and its markers agree with its end
 *   (`POST /orders/{id}/verify-consistency`: reservations RETURNED or
 *   RELEASED, payment POSTED or VOIDED, the refund's debit of the payee and
 *   credit of the payer each equal to the amount). That the payer got the
 *   money back once, not twice, and the units went back once, is the ledger's
 *   `drift` (checkLedger counts a CANCELLED order as moving nothing).
 */

export type CancelMoment = "immediately" | "onSight" | "afterEnd";
const MOMENTS: readonly CancelMoment[] = ["immediately", "onSight", "afterEnd"];

interface Plan {
  id: string;
  moment: CancelMoment;
  twice: boolean;
}

interface Answer {
  status: number;
  error?: string;
  /** The order's status the answer gave: `status` of a 200 or 202, `details[0].code` of a 409. */
  orderStatus?: string;
  retries404: number;
  gaveUp404: boolean;
}

interface Fired {
  plan: Plan;
  /** The status the last poll read before the cancellation was sent (undefined: not recorded, or not polled). */
  seen?: string;
  answers: Answer[];
}

const ENDED = new Set(["CONFIRMED", "FAILED", "REJECTED", "CANCELLED"]);
const REASON = "reliability: a cancel racing the saga";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** At most `size` holders at once. */
function semaphore(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

export interface CancelRaceOptions {
  /** The share of orders a cancellation is fired at. */
  share?: number;
  /** The share of those sent twice at once. */
  twice?: number;
  /** Polls in flight at once, so that watching orders does not swamp the API. */
  watchers?: number;
  seed?: number;
}

export class CancelRace {
  readonly #system: RunningSystem;
  readonly #plans = new Map<string, Plan>();
  readonly #fired = new Map<string, Fired>();
  readonly #running: Promise<void>[] = [];
  readonly #random: () => number;
  readonly #watch: ReturnType<typeof semaphore>;
  #requests = 0;

  constructor(system: RunningSystem, orders: Record<string, unknown>[], options: CancelRaceOptions = {}) {
    const { share = 0.3, twice = 0.25, watchers = 12, seed = 23 } = options;
    this.#system = system;
    this.#random = seededRandom(seed);
    this.#watch = semaphore(watchers);
    for (const order of orders) {
      if (this.#random() >= share) continue;
      const moment = MOMENTS[this.#plans.size % MOMENTS.length] as CancelMoment;
      this.#plans.set(String(order.id), { id: String(order.id), moment, twice: this.#random() < twice });
    }
  }

  /** Give it to `submit` as `onAccepted`: fires the order's cancellation, if it has one, at its moment. */
  readonly accepted = (submission: Accepted): void => {
    const plan = this.#plans.get(submission.id);
    if (plan && !this.#fired.has(plan.id)) this.#running.push(this.#fire(plan));
  };

  /** Resolves once every cancellation fired has its final answer. */
  async done(): Promise<void> {
    await Promise.all(this.#running);
  }

  async #fire(plan: Plan): Promise<void> {
    const fired: Fired = { plan, answers: [] };
    this.#fired.set(plan.id, fired);
    if (plan.moment === "onSight") fired.seen = await this.#watch(() => this.#until(plan.id, (s) => !!s, 100));
    if (plan.moment === "afterEnd")
      fired.seen = await this.#watch(() => this.#until(plan.id, (s) => !!s && ENDED.has(s), 400));
    fired.answers = await Promise.all(Array.from({ length: plan.twice ? 2 : 1 }, () => this.#cancel(plan.id)));
  }

  /** Nothing left on OrdersQueue: every order's message processed, or in the DLQ. */
  async #idle(): Promise<boolean> {
    return (await localState(this.#system)).queues.OrdersQueue === 0;
  }

  /** Polls the order until `wanted` holds for its status, or the queue is idle; returns the status last read. */
  async #until(id: string, wanted: (status: string | undefined) => boolean, everyMs: number) {
    for (;;) {
      const { status, body } = await json(`${this.#system.url}/orders/${encodeURIComponent(id)}`);
      const seen: string | undefined = status === 200 ? body.order.status : undefined;
      if (wanted(seen) || (await this.#idle())) return seen;
      await sleep(everyMs * (1 + this.#random()));
    }
  }

  async #cancel(id: string): Promise<Answer> {
    let idleBefore = false;
    for (let retries404 = 0; ; retries404++) {
      this.#requests += 1;
      const { status, body } = await admin(this.#system, "POST", `/orders/${encodeURIComponent(id)}/cancel`, {
        reason: REASON,
      });
      if (status === 404 && body.error === "ORDER_NOT_FOUND") {
        // Asked after the queue was seen empty, and still not recorded: its message is in the DLQ. Final.
        if (idleBefore) return { status, error: "ORDER_NOT_FOUND", retries404, gaveUp404: true };
        idleBefore = await this.#idle();
        await sleep(Math.min(4000, 500 * 2 ** retries404) * (0.5 + this.#random()));
        continue;
      }
      const details = body.details as { code?: string }[] | undefined;
      const orderStatus = status === 409 ? details?.[0]?.code : (body.status as string | undefined);
      return {
        status,
        ...(typeof body.error === "string" ? { error: body.error } : {}),
        ...(orderStatus ? { orderStatus } : {}),
        retries404,
        gaveUp404: false,
      };
    }
  }

  /**
   * Reads every accepted order and sets its end against its cancellations'
   * answers (see the header); returns the figures, and each order that
   * breaks a rule with what it broke.
   */
  async check(
    accepted: Accepted[],
    refundsBlocked: number,
  ): Promise<{ cancels: CancelFigures; cancelMismatches: number; mismatches: string[] }> {
    const answers = [...this.#fired.values()].flatMap((fired) => fired.answers);
    const cancels: CancelFigures = {
      targeted: this.#fired.size,
      twice: [...this.#fired.values()].filter((fired) => fired.plan.twice).length,
      requests: this.#requests,
      answered202: answers.filter((a) => a.status === 202).length,
      answered200: answers.filter((a) => a.status === 200).length,
      answered409: answers.filter((a) => a.status === 409).length,
      answered404: answers.filter((a) => a.retries404 > 0 || a.gaveUp404).length,
      gaveUp404: answers.filter((a) => a.gaveUp404).length,
      unknown: answers.filter((a) => a.status >= 500).length,
      sentPending: [...this.#fired.values()].filter((fired) => fired.seen === "PENDING").length,
      sentConfirmed: [...this.#fired.values()].filter((fired) => fired.seen === "CONFIRMED").length,
      cancelled: 0,
      refunded: 0,
      compensated: 0,
      cancelledAfterConfirmed: 0,
      refundsBlocked,
    };
    const mismatches: string[] = [];
    const ids = [...new Set(accepted.map((submission) => submission.id))];
    await pool(ids, 8, async (id) => {
      const { status, body } = await json(`${this.#system.url}/orders/${encodeURIComponent(id)}`);
      if (status !== 200) return; // lost: verify() counts it
      const order = body.order as { status: string; valid: boolean; refunded?: boolean };
      if (!order.valid) return;
      const problems = await this.#judge(id, order, body.payment?.status, cancels);
      if (problems.length > 0) mismatches.push(`${id}: ${problems.join(", ")}`);
    });
    return { cancels, cancelMismatches: mismatches.length, mismatches };
  }

  async #judge(
    id: string,
    order: { status: string; refunded?: boolean },
    payment: string | undefined,
    cancels: CancelFigures,
  ): Promise<string[]> {
    const fired = this.#fired.get(id);
    const answers = fired?.answers ?? [];
    const problems: string[] = [];
    const joined = (a: Answer) => a.status === 200 && (a.orderStatus === "CANCELLING" || a.orderStatus === "CANCELLED");
    const asked = answers.some((a) => a.status === 202 || joined(a));
    const unknown = answers.some((a) => a.status >= 500);
    for (const answer of answers) {
      if (answer.status === 202 || joined(answer) || answer.status >= 500 || answer.gaveUp404) continue;
      if (answer.status === 409 && answer.error === "ORDER_NOT_CANCELLABLE") {
        if (answer.orderStatus !== order.status) problems.push(`409 for ${answer.orderStatus}, ended ${order.status}`);
        continue;
      }
      problems.push(`unexpected answer ${answer.status} ${answer.error ?? answer.orderStatus ?? ""}`);
    }
    if (asked && order.status !== "CANCELLED") problems.push(`cancellation accepted, ended ${order.status}`);
    // FAILED is an end: an order read FAILED before its cancellation was sent cannot be cancelled.
    if (fired?.seen === "FAILED" && order.status !== "FAILED") problems.push(`seen FAILED, ended ${order.status}`);
    if (order.status !== "CANCELLED") return problems;

    cancels.cancelled += 1;
    if (order.refunded) cancels.refunded += 1;
    else cancels.compensated += 1;
    if (fired?.seen === "CONFIRMED") cancels.cancelledAfterConfirmed += 1;
    if (!asked && !unknown) problems.push("CANCELLED, though no cancellation was accepted");
    if (!!order.refunded !== (payment === "REFUNDED"))
      problems.push(`refunded ${!!order.refunded}, payment ${payment ?? "none"}`);
    if (fired?.seen === "CONFIRMED" && !order.refunded) problems.push("seen CONFIRMED, cancelled without a refund");
    const { status, body } = await admin(this.#system, "POST", `/orders/${encodeURIComponent(id)}/verify-consistency`);
    if (status !== 200) problems.push(`verify-consistency answered ${status}`);
    else if (!body.consistent) {
      const failing = (body.checks as { name: string; ok: boolean }[]).filter((c) => !c.ok).map((c) => c.name);
      problems.push(`inconsistent: ${failing.join(", ")}`);
    }
    return problems;
  }
}

/**
 * A refund the payee cannot cover (it spent the money) fails REFUND_BLOCKED
 * and waits in the DLQ, the order CANCELLING. Does what the README tells an
 * operator to do: deposit the amount into the payee and redrive, a few rounds
 * at most. Returns how many refunds were blocked; every cent deposited is
 * added to `deposited`, by account, for the money check.
 */
export async function topUpBlockedRefunds(system: RunningSystem, deposited: Record<string, number>): Promise<number> {
  const blocked = new Set<string>();
  for (let round = 1; round <= 3; round++) {
    const orderIds = new Set<string>();
    for (let cursor: string | undefined = "0"; cursor !== undefined; ) {
      const { status, body } = await admin(
        system,
        "GET",
        `/admin/dlq?reason=REFUND_BLOCKED&limit=100&cursor=${cursor}`,
      );
      if (status !== 200) throw new Error(`GET /admin/dlq answered ${status}`);
      for (const message of body.messages as { body: string }[]) orderIds.add(String(JSON.parse(message.body).orderId));
      cursor = body.cursor as string | undefined;
    }
    if (orderIds.size === 0) break;
    for (const orderId of orderIds) {
      blocked.add(orderId);
      const order = (await json(`${system.url}/orders/${encodeURIComponent(orderId)}`)).body.order as {
        amount: number;
        toAccount: string;
      };
      const reference = `refund-top-up-${round}-${orderId}`.slice(0, 64);
      const deposit = await admin(system, "POST", `/accounts/${order.toAccount}/deposits`, {
        amount: order.amount,
        reference,
      });
      if (deposit.status !== 200) throw new Error(`top-up of ${order.toAccount} answered ${deposit.status}`);
      deposited[order.toAccount] = (deposited[order.toAccount] ?? 0) + Math.round(order.amount * 100);
    }
    await redriveAll(system);
    await settle(system);
  }
  return blocked.size;
}
