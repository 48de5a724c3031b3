import type { DeadLetterQueue, OrderArchive, OrderQueue, OrderRepository } from "../ports.ts";

export interface CheckHealthDeps {
  repository: OrderRepository;
  archive: OrderArchive;
  queue: OrderQueue;
  deadLetters: DeadLetterQueue;
  /** How long one check may take before it counts as failed. */
  timeoutMs?: number;
}

type CheckStatus = "ok" | "error";

export interface HealthReport {
  status: CheckStatus;
  checks: {
    table: CheckStatus;
    bucket: CheckStatus;
    queue: CheckStatus;
    dlq: { status: "ok"; depth: number } | { status: "error" };
  };
  /** The names of the failing checks; empty when healthy. */
  failing: string[];
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks every dependency in parallel, each with a time limit. The report says
 * which checks failed but never why: reasons stay in the logs.
 */
export async function checkHealth(deps: CheckHealthDeps): Promise<HealthReport> {
  const ms = deps.timeoutMs ?? 2000;
  const [table, bucket, queue, dlq] = await Promise.allSettled([
    within(ms, deps.repository.ping()),
    within(ms, deps.archive.ping()),
    within(ms, deps.queue.ping()),
    within(ms, deps.deadLetters.depth()),
  ]);
  const status = (result: PromiseSettledResult<unknown>): CheckStatus =>
    result.status === "fulfilled" ? "ok" : "error";
  const checks: HealthReport["checks"] = {
    table: status(table),
    bucket: status(bucket),
    queue: status(queue),
    dlq: dlq.status === "fulfilled" ? { status: "ok", depth: dlq.value } : { status: "error" },
  };
  const failing = Object.entries(checks)
    .filter(([, check]) => (typeof check === "string" ? check : check.status) === "error")
    .map(([name]) => name);
  return { status: failing.length === 0 ? "ok" : "error", checks, failing };
}
