import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { RunningSystem } from "../local-system.ts";
import { pool } from "../stats.ts";
import type { LedgerFigures } from "./ledger.ts";

export const ADMIN_TOKEN = "reliability-token-5d1e";

export interface Accepted {
  id: string;
  submissionId: string;
  order: Record<string, unknown>;
}

/** What became of a scenario's orders, stock and money: the table `npm run test:reliability` prints. */
export interface Figures extends LedgerFigures {
  scenario: string;
  submitted: number;
  accepted: number;
  recorded: number;
  inDlq: number;
  redriven: number;
  lost: number;
  doubled: number;
  duplicateDeliveries: number;
  seconds: number;
  /** Scenario-specific evidence, e.g. what each SIGKILL interrupted. */
  notes?: string;
  /**
   * Figures only some scenarios have (absent elsewhere, shown as "—"): the
   * cancel race's cancellations, as asked and answered, and how they ended.
   */
  cancels?: CancelFigures;
  /** Orders whose end contradicts what their cancellations were answered (see cancels.ts); must be 0. */
  cancelMismatches?: number;
  /** Events the orders' ends imply that the payers' webhook never took (notifications.ts); must be 0. */
  notificationsLost?: number;
  /** Delivery records that do not end DELIVERED; must be 0. */
  notificationsNotDelivered?: number;
  /** Events the webhook took more than once (the same eventId: a Notifier killed between the answer and its record). */
  notificationsSentTwice?: number;
  /** POSTs the payers' webhooks got while they were down (webhookOutage): the circuits' probes and the first failures. */
  webhookPostsWhileDown?: number;
  /** Of the merchant's, the sku's and a payer's items, how many were ever seen past 4 KB (hot-merchant.ts); must be 0. */
  itemsOver4Kb?: number;
  /** 1 when the last fifth of a steady hot-merchant run went less than half as fast as the first; must be 0. */
  slowedDown?: number;
}

/** What the cancel race asked and was answered, and how the orders asked about ended. */
export interface CancelFigures {
  /** Orders a cancellation was fired at, and of those, how many were sent it twice at once. */
  targeted: number;
  twice: number;
  /** POSTs sent, 404 retries included (not the retries `json` makes of a 5xx). */
  requests: number;
  /** Final answers, by status: 202 started it, 200 found it already CANCELLING or CANCELLED, 409 not cancellable. */
  answered202: number;
  answered200: number;
  answered409: number;
  /** Answers 404 ORDER_NOT_FOUND (not yet recorded), each retried later. */
  answered404: number;
  /** Requests still 404 when the queue was empty: never asked of a recorded order. */
  gaveUp404: number;
  /** Requests left with a 5xx after retries: outcome unknown, either end allowed. */
  unknown: number;
  /** Orders that ended CANCELLED: refunded (it had been paid) or compensated (stopped before the payment). */
  cancelled: number;
  refunded: number;
  compensated: number;
  /** Cancellations sent right after their order was read PENDING (mid-saga), or CONFIRMED; and how many of those ended CANCELLED. */
  sentPending: number;
  sentConfirmed: number;
  cancelledAfterConfirmed: number;
  /** Refunds the payee could not cover (REFUND_BLOCKED), topped up and redriven as an operator would. */
  refundsBlocked: number;
}

/**
 * The figures that must all be 0 for a scenario to pass. Those marked
 * optional exist only in the scenarios that measure them (absent: not
 * applicable); a scenario adding one lists it here.
 */
export const MUST_BE_ZERO = [
  "lost",
  "doubled",
  "notTerminal",
  "oversold",
  "moneyDelta",
  "heldUnits",
  "heldCents",
  "effectDrift",
  "cancelMismatches",
  "notificationsLost",
  "notificationsNotDelivered",
  "auditFindings",
  "auditDisagrees",
  "itemsOver4Kb",
  "slowedDown",
] as const satisfies readonly (keyof Figures)[];

/** The names of the figures of `row` that broke an invariant (an absent optional figure breaks none). */
export function broken(row: Figures): string[] {
  return MUST_BE_ZERO.filter((name) => row[name] !== undefined && row[name] !== 0);
}

/**
 * A request whose answer is JSON. A 5xx (a route timing out on a loaded
 * machine, say) is tried again a few times: a read that failed says nothing
 * about an order, and must not count it as lost.
 */
export async function json(url: string, init?: RequestInit) {
  // The scenarios call as an operator (the static admin token): they submit for every payer and read every order.
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init?.headers as Record<string, string>) };
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, { ...init, headers });
    if (response.status < 500 || attempt >= 5) return { status: response.status, body: await response.json() };
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

/** POSTs every order; returns those the API accepted (202), each also told to `onAccepted` as it is. */
export async function submit(
  system: RunningSystem,
  orders: Record<string, unknown>[],
  concurrency = 16,
  onAccepted?: (submission: Accepted) => void,
): Promise<Accepted[]> {
  const accepted: Accepted[] = [];
  await pool(orders, concurrency, async (order) => {
    const { status, body } = await json(`${system.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(order),
    });
    if (status !== 202) return;
    const submission = { id: String(order.id), submissionId: body.submissionId, order };
    accepted.push(submission);
    onAccepted?.(submission);
  });
  return accepted;
}

export async function localState(system: RunningSystem) {
  const { body } = await json(`${system.url}/_local/metrics`);
  return body as { counters: Record<string, number>; queues: { OrdersQueue: number; OrdersDlq: number } };
}

/** Submissions processed by this runtime since it started, whatever they ended as. */
export async function processedSoFar(system: RunningSystem): Promise<number> {
  const { counters } = await localState(system);
  return ["OrdersAccepted", "OrdersConfirmed", "OrdersFailed", "OrdersRejected", "OrdersDuplicate"].reduce(
    (sum, name) => sum + (counters[name] ?? 0),
    0,
  );
}

/** Waits until OrdersQueue is empty: everything processed or dead-lettered. */
export async function settle(system: RunningSystem, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { queues } = await localState(system);
    if (queues.OrdersQueue === 0) return queues.OrdersDlq;
    if (Date.now() > deadline) throw new Error(`OrdersQueue did not drain: ${JSON.stringify(queues)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function setFaults(
  system: RunningSystem,
  rules: string[],
): Promise<{ stats: { duplicated: Record<string, number> } }> {
  const { body } = await json(`${system.url}/_local/faults`, { method: "PUT", body: JSON.stringify({ rules }) });
  return body;
}

/**
 * Redrives the whole DLQ through the admin API, a few messages a call (a call
 * must finish inside the route's 10 s timeout on a loaded machine), until the
 * DLQ is empty, five calls in a row move nothing, or as many messages moved as
 * the DLQ held when it began (so that a message that fails every time, and is
 * back in the DLQ before the pass ends, cannot keep it going forever: it is
 * left there, and its order shows as not terminal); returns how many moved.
 */
export async function redriveAll(system: RunningSystem): Promise<number> {
  let moved = 0;
  const depth = (await localState(system)).queues.OrdersDlq;
  for (let idle = 0; idle < 5 && moved < depth && (await localState(system)).queues.OrdersDlq > 0; ) {
    const { status, body } = await json(`${system.url}/admin/dlq/redrive`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ all: true, limit: Math.min(20, depth - moved) }),
    });
    if (status !== 200) throw new Error(`redrive answered ${status}: ${JSON.stringify(body)}`);
    const now = (body.results as { status: string }[]).filter((r) => r.status === "REDRIVEN").length;
    moved += now;
    idle = now === 0 ? idle + 1 : 0;
    if (now === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return moved;
}

/** Puts raw bodies straight on OrdersQueue, past the API, as a broken producer would. */
export async function sendRaw(system: RunningSystem, bodies: string[]): Promise<void> {
  const { body } = await json(`${system.url}/_local/queues`);
  const sqs = new SQSClient({
    endpoint: body.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    useQueueUrlAsEndpoint: false,
  });
  for (const messageBody of bodies)
    await sqs.send(new SendMessageCommand({ QueueUrl: body.OrdersQueue, MessageBody: messageBody }));
}

/**
 * Checks the invariants for every accepted submission: recorded exactly once
 * (as the original or as a duplicate), and every valid original's S3 object
 * equal to what was sent.
 */
export async function verify(system: RunningSystem, accepted: Accepted[]) {
  const byId = new Map<string, Accepted[]>();
  for (const submission of accepted) byId.set(submission.id, [...(byId.get(submission.id) ?? []), submission]);
  let recorded = 0;
  let lost = 0;
  let doubled = 0;
  const lostIds: string[] = [];
  await pool([...byId.entries()], 16, async ([id, submissions]) => {
    const { status, body } = await json(`${system.url}/orders/${encodeURIComponent(id)}`);
    if (status !== 200) {
      lost += submissions.length;
      lostIds.push(`${id} (GET ${status})`);
      return;
    }
    const seen = [body.order.submissionId, ...body.duplicates.map((d: { submissionId: string }) => d.submissionId)];
    // Past the cap of stored duplicates, a duplicate is counted on the original, not listed (issue #16).
    let counted: number = body.duplicatesNotStored ?? 0;
    for (const { submissionId } of submissions) {
      const times = seen.filter((s) => s === submissionId).length;
      if (times === 0 && counted > 0) {
        counted -= 1;
        recorded += 1;
      } else if (times === 0) {
        lost += 1;
        lostIds.push(`${id} (${submissionId})`);
      } else recorded += 1;
      if (times > 1) doubled += 1;
    }
    if (body.order.valid) {
      const original = submissions.find((s) => s.submissionId === body.order.submissionId);
      const stored = body.jsonUrl ? await (await fetch(body.jsonUrl)).json() : undefined;
      if (!original || JSON.stringify(stored) !== JSON.stringify(original.order)) doubled += 1;
    }
  });
  return { recorded, lost, doubled, lostIds };
}
