import { randomUUID } from "node:crypto";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { pool } from "../../bench/stats.ts";
import type { RunningSystem } from "../helpers/local-system.ts";

export const ADMIN_TOKEN = "reliability-token-5d1e";

export interface Accepted {
  id: string;
  submissionId: string;
  order: Record<string, unknown>;
}

/** What became of a scenario's orders: the table `npm run test:reliability` prints. */
export interface Figures {
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
}

const json = (url: string, init?: RequestInit) =>
  fetch(url, init).then(async (r) => ({ status: r.status, body: await r.json() }));

/** POSTs every order; returns those the API accepted (202). */
export async function submit(
  system: RunningSystem,
  orders: Record<string, unknown>[],
  concurrency = 16,
): Promise<Accepted[]> {
  const accepted: Accepted[] = [];
  await pool(orders, concurrency, async (order) => {
    const { status, body } = await json(`${system.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(order),
    });
    if (status === 202) accepted.push({ id: String(order.id), submissionId: body.submissionId, order });
  });
  return accepted;
}

export function validOrders(count: number, prefix = `r-${randomUUID().slice(0, 6)}`): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    amount: 10 + (i % 1000) / 100,
    fromAccount: "1111111",
    toAccount: "7777777",
  }));
}

export async function localState(system: RunningSystem) {
  const { body } = await json(`${system.url}/_local/metrics`);
  return body as { counters: Record<string, number>; queues: { OrdersQueue: number; OrdersDlq: number } };
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

/** Redrives the whole DLQ through the admin API; returns how many moved. */
export async function redriveAll(system: RunningSystem): Promise<number> {
  let moved = 0;
  for (;;) {
    const { status, body } = await json(`${system.url}/admin/dlq/redrive`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ all: true, limit: 100 }),
    });
    if (status !== 200) throw new Error(`redrive answered ${status}: ${JSON.stringify(body)}`);
    const now = (body.results as { status: string }[]).filter((r) => r.status === "REDRIVEN").length;
    moved += now;
    if (now === 0) return moved;
  }
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
  await pool([...byId.entries()], 16, async ([id, submissions]) => {
    const { status, body } = await json(`${system.url}/orders/${encodeURIComponent(id)}`);
    if (status !== 200) {
      lost += submissions.length;
      return;
    }
    const seen = [body.order.submissionId, ...body.duplicates.map((d: { submissionId: string }) => d.submissionId)];
    for (const { submissionId } of submissions) {
      const times = seen.filter((s) => s === submissionId).length;
      if (times === 0) lost += 1;
      else recorded += 1;
      if (times > 1) doubled += 1;
    }
    if (body.order.valid) {
      const original = submissions.find((s) => s.submissionId === body.order.submissionId);
      const stored = body.jsonUrl ? await (await fetch(body.jsonUrl)).json() : undefined;
      if (!original || JSON.stringify(stored) !== JSON.stringify(original.order)) doubled += 1;
    }
  });
  return { recorded, lost, doubled };
}
