/**
 * Live reload for `npm start`, as `sst dev` gives on AWS: when a file that a
 * function imports changes, that function's next invocation runs the new code.
 *
 * Each function's import graph is the set of files esbuild bundles from its
 * handler, workspace packages included (`@orders/*`) and every other package
 * left out: a change under node_modules needs a restart, as does a change to
 * this runtime itself. The same build is the syntax check: a file that does
 * not parse is reported with its file:line and the function keeps serving the
 * version it has.
 */
import { createHash } from "node:crypto";
import { type FSWatcher, readFileSync, watch } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { build, type Message, type Plugin } from "esbuild";
import type { ReloadOutcome } from "./worker-pool.ts";

/** One function that can be reloaded: a worker pool with its name and handler. */
export interface ReloadTarget {
  name: string;
  /** The handler's module file, absolute. */
  entry: string;
  hold(): void;
  unhold(): void;
  reload(): Promise<ReloadOutcome>;
}

/** The handler's module did not build: the first error, as `file:line:column: text`. */
export class ImportGraphError extends Error {
  override readonly name = "ImportGraphError";
  /** The file the error is in, absolute, if esbuild named one. */
  readonly file: string | undefined;

  constructor(message: string, file: string | undefined) {
    super(message);
    this.file = file;
  }
}

/** Leaves every package but the workspace's own out of the graph: they do not change under `npm start`. */
const workspaceOnly: Plugin = {
  name: "workspace-only",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@orders/") ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * The files a module imports, itself included, absolute: what esbuild would
 * bundle of the workspace from it. Throws ImportGraphError when a file does
 * not parse or an import does not resolve.
 */
export async function importGraph(entry: string, root: string): Promise<Set<string>> {
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      target: "esnext",
      logLevel: "silent",
      plugins: [workspaceOnly],
    });
    return new Set(Object.keys(result.metafile.inputs).map((file) => join(root, file)));
  } catch (error) {
    const first = (error as { errors?: Message[] }).errors?.[0];
    if (!first) throw error;
    const where = first.location;
    if (!where) throw new ImportGraphError(first.text, undefined);
    const file = isAbsolute(where.file) ? where.file : join(root, where.file);
    throw new ImportGraphError(`${relative(root, file)}:${where.line}:${where.column + 1}: ${first.text}`, file);
  }
}

/** The content a file has now, as a digest ("" once it is gone), to tell a real change from a touch. */
function digest(file: string): string {
  try {
    return createHash("sha1").update(readFileSync(file)).digest("hex");
  } catch {
    return "";
  }
}

/** `A, B, C, D +3 more`: a reload's functions on one line. */
export function nameList(names: string[], shown = 4): string {
  const head = names.slice(0, shown).join(", ");
  return names.length > shown ? `${head} +${names.length - shown} more` : head;
}

export interface LiveReloadOptions {
  /** The repository root: paths in the log are relative to it. */
  root: string;
  targets: ReloadTarget[];
  log: (line: string) => void;
  /** How long a burst of writes (an editor's save) is let settle before reloading (default 30 ms). */
  settleMs?: number;
  /** New environments loading at once during a reload (default: the CPUs). */
  parallel?: number;
}

/**
 * Watches the directories of every file the targets import, and reloads the
 * targets a change reaches: one log line per reload with its time, or one
 * line naming the file:line that does not parse.
 */
export class LiveReload {
  readonly #options: LiveReloadOptions;
  readonly #graphs = new Map<ReloadTarget, Set<string>>();
  /** The content each watched file had when the serving version loaded it. */
  readonly #digests = new Map<string, string>();
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #pending = new Set<string>();
  /** Functions whose last reload failed: they serve an older version, and the next change to their files retries. */
  readonly #dirty = new Set<ReloadTarget>();
  #since: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LiveReloadOptions) {
    this.#options = options;
  }

  /** The files watched, across every target. */
  get files(): number {
    return this.#digests.size;
  }

  /** Computes each target's import graph and starts watching; a target that does not build is reported. */
  async start(): Promise<void> {
    const { root, log } = this.#options;
    const byEntry = Map.groupBy(this.#options.targets, (target) => target.entry);
    await Promise.all(
      [...byEntry].map(async ([entry, targets]) => {
        let files: Set<string>;
        try {
          files = await importGraph(entry, root);
        } catch (error) {
          if (!(error instanceof ImportGraphError)) throw error;
          log(`reload: ${nameList(targets.map((target) => target.name))} do not build: ${error.message}`);
          files = new Set([entry, ...(error.file ? [error.file] : [])]);
        }
        for (const target of targets) this.#graphs.set(target, files);
      }),
    );
    this.#watchGraphs();
  }

  /** Stops watching; a reload under way finishes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
    await this.#running;
  }

  /** Watches the directory of every file in a graph (not each file: an editor's save may replace it). */
  #watchGraphs(): void {
    for (const files of this.#graphs.values()) {
      for (const file of files) {
        if (!this.#digests.has(file)) this.#digests.set(file, digest(file));
        const dir = dirname(file);
        if (this.#watchers.has(dir) || this.#stopped) continue;
        try {
          const watcher = watch(dir, (_event, name) => {
            if (name) this.changed(join(dir, name.toString()));
          });
          watcher.on("error", () => undefined);
          this.#watchers.set(dir, watcher);
        } catch {
          // A directory that is gone: its files are reported missing on the next build.
        }
      }
    }
  }

  #targetsOf(files: Iterable<string>): ReloadTarget[] {
    const wanted = [...files];
    return [...this.#graphs].filter(([, graph]) => wanted.some((file) => graph.has(file))).map(([target]) => target);
  }

  /**
   * A file changed on disk (the watcher calls this; tests may too). The
   * functions that import it stop starting environments at once, since a new
   * one could load either version; the reload itself waits for the writes to settle.
   */
  changed(file: string): void {
    if (this.#stopped) return;
    const targets = this.#targetsOf([file]);
    if (targets.length === 0) return;
    for (const target of targets) target.hold();
    this.#pending.add(file);
    this.#since ??= performance.now();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), this.#options.settleMs ?? 30);
  }

  /** Resolves once no change is pending and no reload is under way. */
  async settled(): Promise<void> {
    while (this.#running || this.#pending.size > 0) {
      await (this.#running ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
  }

  #flush(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#reload().finally(() => {
      this.#running = undefined;
      if (this.#pending.size > 0) this.#flush();
    });
  }

  async #reload(): Promise<void> {
    const { root, log } = this.#options;
    const files = [...this.#pending];
    this.#pending.clear();
    const since = this.#since ?? performance.now();
    this.#since = undefined;
    // A change seen after this point holds its targets again, for the next round.
    const held = this.#targetsOf(files);
    const now = new Map(files.map((file) => [file, digest(file)]));
    const changed = files.filter((file) => now.get(file) !== this.#digests.get(file));
    for (const file of changed) this.#digests.set(file, now.get(file) ?? "");
    const targets = [...new Set([...this.#targetsOf(changed), ...held.filter((target) => this.#dirty.has(target))])];
    for (const target of held) if (!targets.includes(target)) target.unhold();
    if (targets.length === 0) return;

    const byEntry = Map.groupBy(targets, (target) => target.entry);
    const built = await Promise.all(
      [...byEntry].map(async ([entry, group]) => {
        try {
          return { group, files: await importGraph(entry, root), error: undefined };
        } catch (error) {
          if (!(error instanceof ImportGraphError)) throw error;
          return { group, files: undefined, error };
        }
      }),
    );
    const ready: { target: ReloadTarget; files: Set<string> }[] = [];
    for (const outcome of built) {
      const { error, group, files } = outcome;
      if (error) {
        log(
          `reload failed: ${error.message} (${nameList(group.map((target) => target.name))} ${group.length === 1 ? "keeps" : "keep"} the last good version)`,
        );
        for (const target of group) {
          target.unhold();
          this.#dirty.add(target);
          // Watch the broken file too, so that fixing it reloads.
          if (error.file) this.#graphs.get(target)?.add(error.file);
        }
      } else if (files) {
        for (const target of group) ready.push({ target, files });
      }
    }

    const reloaded: string[] = [];
    let next = 0;
    const parallel = Math.max(1, this.#options.parallel ?? availableParallelism());
    await Promise.all(
      Array.from({ length: Math.min(parallel, ready.length) }, async () => {
        while (next < ready.length) {
          const item = ready[next++];
          if (!item) break;
          const outcome = await item.target.reload();
          if (outcome.ok) {
            this.#graphs.set(item.target, item.files);
            this.#dirty.delete(item.target);
            reloaded.push(item.target.name);
          } else {
            const reason = outcome.error.message.split("\n")[0];
            log(`reload failed: ${item.target.name}: ${reason} (it keeps the last good version)`);
            this.#dirty.add(item.target);
          }
        }
      }),
    );
    this.#watchGraphs();
    if (reloaded.length === 0) return;
    const ms = Math.round(performance.now() - since);
    const names = nameList(reloaded.sort());
    const cause = changed.length > 0 ? changed : files;
    log(`reload ${names} in ${ms} ms (${cause.map((file) => relative(root, file)).join(", ")})`);
  }
}
