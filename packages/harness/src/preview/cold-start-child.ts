/**
 * One cold start of one handler, in a process of its own (started by
 * cold-start.ts with exactly the environment Lambda would give the function):
 * load the handler's module, invoke it with each event the parent sends, one
 * after another as one warm environment would, and send back what happened. Nothing of the test runner's modules or
 * environment is shared, so a `Resource.<Name>` the function is not linked to
 * fails here as it would on AWS.
 */
import { invocationContext, loadHandler } from "@orders/local/handlers";

export interface ColdStartJob {
  handler: string;
  functionName: string;
  timeoutSeconds: number;
  memoryMb: number;
  events: unknown[];
}

export interface ThrownError {
  name: string;
  message: string;
  code?: string | undefined;
  stack?: string | undefined;
}

export type Invocation = { ok: true; value: unknown } | { ok: false; error: ThrownError };

/** What the child reports: the init's failure, or each invocation's outcome. */
export type ColdStartReport = { phase: "init"; error: ThrownError } | { phase: "invoked"; invocations: Invocation[] };

const thrown = (error: unknown): ThrownError => ({
  name: (error as Error)?.name ?? "Error",
  message: (error as Error)?.message ?? String(error),
  code: (error as { code?: string })?.code,
  stack: (error as Error)?.stack,
});

function report(message: ColdStartReport): Promise<void> {
  return new Promise((resolve) => process.send?.(message, () => resolve()));
}

if (!process.send) throw new Error("cold-start-child.ts runs only as a child process with an IPC channel");

process.once("message", async (job: ColdStartJob) => {
  let handler: Awaited<ReturnType<typeof loadHandler>>;
  try {
    handler = await loadHandler(job.handler);
  } catch (error) {
    await report({ phase: "init", error: thrown(error) });
    process.exit(0);
  }
  const invocations: Invocation[] = [];
  for (const event of job.events) {
    const context = invocationContext(job.functionName, job.timeoutSeconds, job.memoryMb);
    try {
      invocations.push({ ok: true, value: await handler(event, context) });
    } catch (error) {
      invocations.push({ ok: false, error: thrown(error) });
    }
  }
  await report({ phase: "invoked", invocations });
  // Keep-alive sockets and timers of the SDK clients would hold the process open.
  process.exit(0);
});
