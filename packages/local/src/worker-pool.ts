import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { FunctionSpec } from "@orders/infra/manifest";
import type { FaultSwitch } from "./faults.ts";
import type { CallCounts } from "./sdk-instrumentation.ts";
import type { TraceReport } from "./trace-spans.ts";
import type { FromWorker, SerializedError, ToWorker, WorkerSetup } from "./worker-protocol.ts";

/** The function ran past its timeout; Lambda stops it and reports `Task timed out`. */
export class FunctionTimeoutError extends Error {
  override readonly name = "FunctionTimeoutError";
}

/** The handler threw, or its module failed to load: Lambda's function error. */
export class FunctionError extends Error {
  override readonly name = "FunctionError";
  readonly errorType: string;

  constructor(error: SerializedError) {
    super(error.message);
    this.errorType = error.name;
    if (error.stack) this.stack = error.stack;
  }
}

/** The execution environment died (an uncaught exception, out of memory): Lambda's `Runtime.ExitError`. */
export class FunctionCrashError extends Error {
  override readonly name = "FunctionCrashError";
}

export interface WorkerPoolOptions {
  name: string;
  spec: FunctionSpec;
  /** The function's whole environment: its worker sees nothing else. */
  env: Record<string, string>;
  /** Execution environments at most; each takes one invocation at a time. */
  size: number;
  /** The runtime's fault switch: its rules are mirrored in every worker, and its stats collect theirs. */
  faults: FaultSwitch;
  faultSeed?: number | undefined;
  /** How long an idle worker is kept before it is reclaimed (default 5 minutes). */
  idleMs?: number;
  /** Receives the AWS calls each invocation made. */
  onCalls: (calls: CallCounts) => void;
  /** Receives the spans and order annotations each invocation recorded. */
  onTraces?: (report: TraceReport) => void;
  /** Node's compile cache for the workers (worker-start.ts); default {@link COMPILE_CACHE_DIR}. */
  compileCacheDir?: string | undefined;
}

interface Pending {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Its init finished: the handler's modules are loaded. */
  loaded: boolean;
  /** The version of the code it loaded: the pool's generation when it started. */
  generation: number;
  /** Still loading when a change was seen: it may hold either version, so it never serves. */
  doubtful: boolean;
  pending: Pending | undefined;
  /** Set while the slot is idle: when it fires, the environment is reclaimed. */
  reclaim?: NodeJS.Timeout | undefined;
}

/** What became of a reload: the new code serves, or its init failed and the last good version still does. */
export type ReloadOutcome = { ok: true } | { ok: false; error: Error };

/** Lambda gives init 10 s; a busy shared machine loading TypeScript gets more. */
const INIT_TIMEOUT_MS = 30_000;
/** How long an idle environment is kept warm. */
const IDLE_MS = 5 * 60_000;
const WORKER_FILE = new URL("./worker-start.ts", import.meta.url);
/**
 * Where the workers keep Node's compile cache: the OS's temporary directory,
 * or `ORDERS_COMPILE_CACHE` (a directory, or `off` to compile everything at
 * every start, as before).
 */
export const COMPILE_CACHE_DIR =
  process.env.ORDERS_COMPILE_CACHE === "off"
    ? undefined
    : process.env.ORDERS_COMPILE_CACHE || join(tmpdir(), "orders-compile-cache");
let seedOffset = 0;

/**
 * A function's execution environments, as Lambda keeps them: worker threads
 * started on demand up to `size` and kept warm, each running one invocation
 * at a time (more wait their turn). An invocation past the function's timeout
 * is answered with FunctionTimeoutError and its worker is terminated and
 * replaced; a worker that dies fails only the invocation it was running.
 *
 * Worker threads rather than child processes: each has its own module state,
 * `process.env` and globals, which is the isolation that matters here. Measured
 * with the same handler, a worker was ready in 340–470 ms against 510–540 ms
 * for a forked process, and a round trip took 0.13 ms against 0.33 ms.
 */
export class WorkerPool {
  /** Cold starts an invocation is waiting for, across every pool: warming steps aside for them. */
  static #startingOnDemand = 0;
  readonly #options: WorkerPoolOptions;
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];
  readonly #waiting: { resolve: (slot: Slot) => void; reject: (error: Error) => void }[] = [];
  #nextId = 0;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #stopped = false;
  #starting = 0;
  /** The code version that serves; a reload moves it on. */
  #generation = 0;
  /** A change is pending: no environment starts, since it could load either version. */
  #held = false;
  #holds = 0;
  /** Environments of the next version, loading, not yet serving. */
  readonly #candidates = new Set<Slot>();

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    options.faults.onChange((rules, at) => {
      for (const slot of [...this.#slots, ...this.#candidates]) {
        slot.worker.postMessage({ type: "faults", rules, at } satisfies ToWorker);
      }
    });
  }

  /** Runs one invocation in a free environment of this function. */
  async invoke(event: unknown, trace?: string): Promise<unknown> {
    if (this.#stopped) throw new FunctionCrashError(`${this.#options.name} is stopped`);
    this.#inFlight++;
    try {
      let slot = await this.#acquire();
      for (;;) {
        try {
          await slot.ready;
        } catch (error) {
          this.#retire(slot);
          throw error;
        }
        if (slot.generation === this.#generation && !slot.doubtful) break;
        // Never serve a version other than the current one: take another environment.
        void this.#retire(slot);
        slot = await this.#acquire();
      }
      return await this.#run(slot, event, trace);
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once no invocation is running or waiting (their results and counts are in). */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Terminates every environment; invocations still running fail. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const stopped = new FunctionCrashError(`${this.#options.name} is stopped`);
    for (const waiting of this.#waiting.splice(0)) waiting.reject(stopped);
    const candidates = [...this.#candidates].map((slot) => slot.worker.terminate());
    this.#candidates.clear();
    await Promise.all([...[...this.#slots].map((slot) => this.#retire(slot)), ...candidates]);
  }

  /**
   * Starts one environment ahead of the first invocation, as provisioned
   * concurrency does, and resolves once it is ready (or failed: the first
   * invocation then sees the error). Does nothing if one exists already.
   */
  warm(): Promise<void> {
    if (this.#stopped || this.#held || this.#slots.size > 0) return Promise.resolve();
    const slot = this.#start(false);
    return slot.ready.then(
      () => this.#release(slot),
      () => void this.#retire(slot),
    );
  }

  /**
   * A file this function imports changed: until `reload` or `unhold`, no
   * environment starts (it could load the old file or the new one), and any
   * still loading will not serve. Those already warm keep serving.
   */
  hold(): void {
    this.#held = true;
    this.#holds++;
    for (const slot of this.#slots) if (!slot.loaded) slot.doubtful = true;
  }

  /** The change came to nothing (same content): environments may start again. */
  unhold(): void {
    this.#held = false;
    this.#grow();
  }

  /**
   * Serves the function's code as it is now on disk. A new environment loads
   * it while the warm ones keep serving the old version; once it is ready it
   * takes the next invocation, idle old environments are retired at once and
   * busy ones when their invocation ends, so that no invocation starts on the
   * old version after one started on the new. If the new code fails its init,
   * the old version keeps serving and the error is returned.
   */
  async reload(): Promise<ReloadOutcome> {
    if (this.#stopped) return { ok: true };
    const holds = this.#holds;
    const release = () => {
      if (this.#holds !== holds) return;
      this.#held = false;
      this.#grow();
    };
    if (this.#slots.size === 0) {
      // Nothing warm: the next invocation's cold start loads the new code.
      this.#generation++;
      release();
      return { ok: true };
    }
    const candidate = this.#spawn();
    this.#candidates.add(candidate);
    try {
      await candidate.ready;
    } catch (error) {
      this.#candidates.delete(candidate);
      void candidate.worker.terminate();
      release();
      return { ok: false, error: error as Error };
    }
    this.#candidates.delete(candidate);
    if (this.#stopped) {
      await candidate.worker.terminate();
      return { ok: true };
    }
    this.#generation++;
    candidate.generation = this.#generation;
    for (const slot of [...this.#idle]) void this.#retire(slot);
    this.#slots.add(candidate);
    this.#release(candidate);
    release();
    return { ok: true };
  }

  #acquire(): Promise<Slot> {
    const idle = this.#idle.pop();
    if (idle) {
      clearTimeout(idle.reclaim);
      return Promise.resolve(idle);
    }
    // One cold start at a time per function: a burst of requests on a cold
    // function would otherwise load the same modules in every worker at once,
    // and starve a small machine. The others wait for the first free worker.
    if (this.#slots.size < this.#options.size && this.#starting === 0 && !this.#held) {
      return Promise.resolve(this.#start());
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** After a cold start, starts another environment if invocations are still waiting. */
  #grow(): void {
    if (this.#stopped || this.#held || this.#starting > 0 || this.#slots.size >= this.#options.size) return;
    this.#waiting.shift()?.resolve(this.#start());
  }

  #release(slot: Slot): void {
    if (!this.#slots.has(slot)) return;
    if (slot.generation !== this.#generation || slot.doubtful) {
      // An environment of the old version, done with its last invocation.
      void this.#retire(slot);
      return;
    }
    const next = this.#waiting.shift();
    if (next) {
      next.resolve(slot);
      return;
    }
    this.#idle.push(slot);
    // Lambda reclaims an environment left idle; here that keeps a long
    // session's memory (some 50 MB per worker) to what is in use.
    slot.reclaim = setTimeout(() => void this.#retire(slot), this.#options.idleMs ?? IDLE_MS);
    slot.reclaim.unref();
  }

  /** Removes a slot for good, and lets a waiting invocation start a fresh one in its place. */
  async #retire(slot: Slot): Promise<void> {
    if (!this.#slots.delete(slot)) return;
    clearTimeout(slot.reclaim);
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    if (!this.#stopped && !this.#held) this.#waiting.shift()?.resolve(this.#start());
    await slot.worker.terminate();
  }

  /** How many cold starts invocations are waiting for now, in every pool. */
  static get startingOnDemand(): number {
    return WorkerPool.#startingOnDemand;
  }

  /** Starts an environment that serves: counted as a cold start, and in the pool. */
  #start(onDemand = true): Slot {
    this.#starting++;
    if (onDemand) WorkerPool.#startingOnDemand++;
    const slot = this.#spawn();
    // A rejection here is seen by the invocation that awaits it; never unhandled.
    slot.ready
      .catch(() => undefined)
      .finally(() => {
        this.#starting--;
        if (onDemand) WorkerPool.#startingOnDemand--;
        this.#grow();
      });
    this.#slots.add(slot);
    return slot;
  }

  /** A worker thread loading the function's code as it is on disk now. */
  #spawn(): Slot {
    const { name, spec, env, faults, faultSeed } = this.#options;
    const setup: WorkerSetup = {
      handler: spec.handler,
      functionName: name,
      timeoutSeconds: spec.timeoutSeconds,
      memoryMb: spec.memoryMb,
      faultRules: faults.rules,
      faultsSetAt: faults.setAt,
      faultSeed: faultSeed === undefined ? undefined : faultSeed + seedOffset++,
      compileCacheDir: "compileCacheDir" in this.#options ? this.#options.compileCacheDir : COMPILE_CACHE_DIR,
      tracing: this.#options.onTraces !== undefined,
    };
    const worker = new Worker(WORKER_FILE, {
      // A debugger attached with --inspect lists each worker under its function's name.
      name,
      workerData: setup,
      env,
      stdout: true,
      stderr: true,
      // Lambda's memory setting, roughly: the heap may not outgrow it.
      resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb },
    });
    forwardLines(worker.stdout, process.stdout);
    forwardLines(worker.stderr, process.stderr);
    let slot: Slot;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new FunctionTimeoutError(`${name}: init did not finish in ${INIT_TIMEOUT_MS / 1000} s`)),
        INIT_TIMEOUT_MS,
      );
      worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          slot.loaded = true;
          resolve();
        } else if (message.type === "init-error") {
          clearTimeout(timer);
          reject(new FunctionError(message.error));
        } else if (message.type === "result") {
          this.#settle(slot, message);
        }
      });
      const died = (error: Error) => {
        clearTimeout(timer);
        reject(error);
        this.#fail(slot, error);
      };
      worker.on("error", (error) => died(new FunctionCrashError(`${name} crashed: ${error.message}`)));
      worker.on("exit", (code) => died(new FunctionCrashError(`${name} exited with code ${code}`)));
    });
    ready.catch(() => undefined);
    slot = { worker, ready, loaded: false, generation: this.#generation, doubtful: false, pending: undefined };
    return slot;
  }

  #run(slot: Slot, event: unknown, trace: string | undefined): Promise<unknown> {
    const { name, spec } = this.#options;
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        const seconds = spec.timeoutSeconds.toFixed(2);
        this.#fail(slot, new FunctionTimeoutError(`${name}: Task timed out after ${seconds} seconds`));
      }, spec.timeoutSeconds * 1000);
      slot.pending = { id, resolve, reject, timer };
      slot.worker.postMessage({ type: "invoke", id, event, trace } satisfies ToWorker);
    });
  }

  #settle(slot: Slot, message: Extract<FromWorker, { type: "result" }>): void {
    const pending = slot.pending;
    if (!pending || pending.id !== message.id) return;
    clearTimeout(pending.timer);
    slot.pending = undefined;
    this.#options.onCalls(message.calls);
    this.#options.onTraces?.(message.traces);
    this.#options.faults.absorb(message.faults);
    this.#release(slot);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new FunctionError(message.error));
  }

  /** Fails the slot's invocation, if any, and replaces the slot. */
  #fail(slot: Slot, error: Error): void {
    const pending = slot.pending;
    slot.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    void this.#retire(slot);
  }
}

/** Copies a worker's output line by line, so that lines of workers writing at once never interleave. */
function forwardLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void {
  let pending = "";
  from.setEncoding("utf8");
  from.on("data", (chunk: string) => {
    pending += chunk;
    const end = pending.lastIndexOf("\n");
    if (end < 0) return;
    to.write(pending.slice(0, end + 1));
    pending = pending.slice(end + 1);
  });
  from.on("end", () => {
    if (pending) to.write(`${pending}\n`);
  });
}
