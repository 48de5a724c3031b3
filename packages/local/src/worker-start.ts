/**
 * The entry of each function's worker thread: it turns Node's compile cache
 * on before anything else loads, then runs the worker (function-worker.ts).
 *
 * Why: every environment is a fresh V8 isolate that loads the function's
 * TypeScript and the AWS SDK from source, about 0.5 s of CPU each, and
 * `npm start` warms some thirty of them. With the cache, what one worker
 * compiled (the SDK, ElectroDB, the core) is read back by the next, in this
 * run and the next `npm start`; about a third of the time on a 2-core machine
 * (README, "Fast first requests"). The cache is keyed by each file's content,
 * so an edited file is compiled again (live reload serves the new code).
 */
import module from "node:module";
import { workerData } from "node:worker_threads";
import type { WorkerSetup } from "./worker-protocol.ts";

const { compileCacheDir } = workerData as WorkerSetup;
if (compileCacheDir) module.enableCompileCache(compileCacheDir);
await import("./function-worker.ts");
// Written now, not when the worker exits: the workers starting after this one read it.
if (compileCacheDir) module.flushCompileCache();
