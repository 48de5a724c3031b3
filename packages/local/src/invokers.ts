import type { Endpoints } from "./environment.ts";
import { functionEnvironment, type LocalSettings, lambdaEnvironment } from "./environment.ts";
import type { FaultSwitch } from "./faults.ts";
import { type Handler, handlerFile, invocationContext, loadHandler } from "./handlers.ts";
import type { ReloadTarget } from "./live-reload.ts";
import type { LocalFunction } from "./local-functions.ts";
import type { LocalResources } from "./provision.ts";
import { type CallCounts, instrumentSdkClients } from "./sdk-instrumentation.ts";
import { handlerTracing, listenForTraces, SpanRecorder } from "./span-recorder.ts";
import type { TraceReport } from "./trace-spans.ts";
import type { TraceStore } from "./trace-store.ts";
import { invokeTraced } from "./traced-invocations.ts";
import { WorkerPool } from "./worker-pool.ts";

/**
 * How functions run locally.
 * - `workers` (the default): each function in its own worker threads, with
 *   only its links in its environment, one invocation at a time per worker,
 *   and its timeout enforced, as on Lambda.
 * - `none`: every handler in this process, sharing module state and seeing
 *   every link, with no timeout; kept to measure what isolation costs.
 */
export type Isolation = "workers" | "none";

export interface Invoker {
  invoke(event: unknown): Promise<unknown>;
}

export interface Invokers {
  get(name: string): Invoker;
  /** The AWS calls every handler made, by `Service:Operation`. */
  calls: CallCounts;
  /** Resolves once no invocation is running (so that counts are complete). */
  idle(): Promise<void>;
  /**
   * Starts one environment of each function named ahead of its first
   * invocation, `parallel` at a time, in that order; resolves once all are
   * ready. A function invoked meanwhile starts its own at once, as before.
   */
  warm(names: string[], parallel: number): Promise<void>;
  /** The functions that live reload can reload: each worker pool (none in this process). */
  reloadTargets: ReloadTarget[];
  stop(): Promise<void>;
}

export interface InvokerOptions extends LocalSettings {
  isolation: Isolation;
  stage: string;
  endpoints: Endpoints;
  resources: LocalResources;
  adminToken: string;
  faults: FaultSwitch;
  faultSeed?: number | undefined;
  /** Execution environments per function (workers only). */
  concurrency: (fn: LocalFunction) => number;
  /** Where each invocation's spans go: every invocation is then traced, as with Lambda's active tracing. */
  traces?: TraceStore | undefined;
}

/** Builds an invoker for each function, isolated or not. */
export async function createInvokers(functions: LocalFunction[], options: InvokerOptions): Promise<Invokers> {
  const calls: CallCounts = {};
  const { traces } = options;
  const addCalls = (counts: CallCounts) => {
    for (const [key, count] of Object.entries(counts)) calls[key] = (calls[key] ?? 0) + count;
  };
  const byName = new Map<string, Invoker>();
  const pools: WorkerPool[] = [];
  const poolsByName = new Map<string, WorkerPool>();
  const reloadTargets: ReloadTarget[] = [];
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  if (options.isolation === "workers") {
    for (const fn of functions) {
      const pool = new WorkerPool({
        name: fn.name,
        spec: fn.spec,
        env: functionEnvironment(fn, options),
        size: options.concurrency(fn),
        faults: options.faults,
        faultSeed: options.faultSeed,
        onCalls: addCalls,
        ...(traces ? { onTraces: (report: TraceReport) => traces.add(report) } : {}),
      });
      pools.push(pool);
      poolsByName.set(fn.name, pool);
      byName.set(
        fn.name,
        traces
          ? { invoke: (event) => invokeTraced(fn.name, event, (e, trace) => pool.invoke(e, trace), traces) }
          : pool,
      );
      reloadTargets.push({
        name: fn.name,
        entry: handlerFile(fn.spec.handler),
        hold: () => pool.hold(),
        unhold: () => pool.unhold(),
        reload: () => pool.reload(),
      });
    }
  } else {
    Object.assign(
      process.env,
      lambdaEnvironment(options.stage, options.endpoints, options.resources, options.adminToken, options),
    );
    // One recorder for every handler of this process: each span names its trace, so they never mix.
    const recorder = traces ? new SpanRecorder() : undefined;
    await instrumentSdkClients(options.faults, calls, recorder);
    const tracing = recorder ? await handlerTracing() : undefined;
    if (recorder && tracing) listenForTraces(recorder, tracing);
    for (const fn of functions) {
      const handler: Handler = await loadHandler(fn.spec.handler);
      const run = (event: unknown, trace?: string) => {
        const context = invocationContext(fn.name, fn.spec.timeoutSeconds, fn.spec.memoryMb);
        if (!tracing || !recorder || !traces) return handler(event, context);
        return tracing.inTrace(trace, async () => handler(event, context)).finally(() => traces.add(recorder.take()));
      };
      byName.set(fn.name, {
        async invoke(event) {
          inFlight++;
          try {
            return await (traces ? invokeTraced(fn.name, event, run, traces) : run(event));
          } finally {
            if (--inFlight === 0) for (const resolve of idleWaiters.splice(0)) resolve();
          }
        },
      });
    }
  }

  return {
    calls,
    reloadTargets,
    async warm(names, parallel) {
      const queue = names.flatMap((name) => poolsByName.get(name) ?? []);
      let next = 0;
      const starter = async () => {
        for (let pool = queue[next++]; pool; pool = queue[next++]) {
          // A request waiting for a cold start gets the CPU first.
          while (WorkerPool.startingOnDemand > 0) await new Promise((resolve) => setTimeout(resolve, 20));
          await pool.warm();
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, parallel) }, starter));
    },
    get(name) {
      const invoker = byName.get(name);
      if (!invoker) throw new Error(`No local function named ${name}`);
      return invoker;
    },
    async idle() {
      await Promise.all(pools.map((pool) => pool.idle()));
      if (inFlight > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      await Promise.all(pools.map((pool) => pool.stop()));
      idleWaiters = [];
    },
  };
}
