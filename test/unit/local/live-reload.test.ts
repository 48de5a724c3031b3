import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ImportGraphError,
  importGraph,
  LiveReload,
  nameList,
  type ReloadTarget,
} from "../../../packages/local/src/live-reload.ts";
import type { ReloadOutcome } from "../../../packages/local/src/worker-pool.ts";

const root = join(import.meta.dirname, "../../..");
let dir: string;
let relativeDir: string;

const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
const path = (file: string) => join(dir, file);

beforeEach(() => {
  relativeDir = `test/unit/local/fixtures/tmp-${randomUUID().slice(0, 8)}`;
  dir = join(root, relativeDir);
  mkdirSync(join(dir, "shared"), { recursive: true });
  write("shared/money.ts", "export const cents = (n: number) => n * 100;\n");
  write("shared/types.ts", "export interface Only { a: number }\n");
  write(
    "orders.ts",
    [
      'import { z } from "zod";',
      'import { MalformedJsonError } from "@orders/core/domain/errors";',
      'import type { Only } from "./shared/types.ts";',
      'import { cents } from "./shared/money.ts";',
      "export async function handler(o: Only) { return [z, MalformedJsonError, cents(o.a)]; }",
      "",
    ].join("\n"),
  );
  write("health.ts", "export async function handler() { return 'ok'; }\n");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fake function: records holds and reloads, and answers `outcome`. */
function aTarget(name: string, file: string, outcome: ReloadOutcome = { ok: true }) {
  const target = {
    name,
    entry: path(file),
    hold: vi.fn(),
    unhold: vi.fn(),
    reload: vi.fn(async () => outcome),
  } satisfies ReloadTarget;
  return target;
}

describe("a function's import graph", () => {
  it("holds its handler, the files it imports through any depth and the workspace packages, but no other package", async () => {
    // Act
    const files = await importGraph(path("orders.ts"), root);

    // Assert
    expect(files.has(path("orders.ts"))).toBe(true);
    expect(files.has(path("shared/money.ts"))).toBe(true);
    expect(files.has(join(root, "packages/core/src/domain/errors.ts"))).toBe(true);
    expect([...files].some((file) => file.includes("node_modules"))).toBe(false);
    // A type-only import is erased: a change to it changes nothing that runs.
    expect(files.has(path("shared/types.ts"))).toBe(false);
  });

  it("names the file, line and column that does not parse", async () => {
    // Arrange
    write("shared/money.ts", "export const cents = (n: number) => n * 100;\nexport const broken = (;\n");

    // Act
    const failure = await importGraph(path("orders.ts"), root).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(ImportGraphError);
    expect((failure as ImportGraphError).message).toMatch(new RegExp(`^${relativeDir}/shared/money\\.ts:2:\\d+: `));
    expect((failure as ImportGraphError).file).toBe(path("shared/money.ts"));
  });
});

describe("live reload", () => {
  let reloader: LiveReload | undefined;
  afterEach(async () => {
    await reloader?.stop();
    reloader = undefined;
  });

  async function watching(targets: ReloadTarget[], lines: string[]): Promise<LiveReload> {
    reloader = new LiveReload({ root, targets, log: (line) => lines.push(line), settleMs: 10 });
    await reloader.start();
    return reloader;
  }

  /** An editor's save of `file`, as the watcher reports it, and whatever reload it causes. */
  async function save(live: LiveReload, file: string, content: string): Promise<void> {
    write(file, content);
    live.changed(path(file));
    await live.settled();
  }

  it("reloads only the functions whose graph holds the changed file, and logs one line with its time", async () => {
    // Arrange
    const lines: string[] = [];
    const orders = aTarget("ApiPostOrders", "orders.ts");
    const health = aTarget("ApiGetHealth", "health.ts");
    const live = await watching([orders, health], lines);

    // Act: as the watcher reports an editor's save, twice for one write.
    write("shared/money.ts", "export const cents = (n: number) => Math.round(n * 100);\n");
    live.changed(path("shared/money.ts"));
    live.changed(path("shared/money.ts"));
    await live.settled();

    // Assert
    expect(orders.hold).toHaveBeenCalled();
    expect(orders.reload).toHaveBeenCalledTimes(1);
    expect(health.hold).not.toHaveBeenCalled();
    expect(health.reload).not.toHaveBeenCalled();
    expect(lines).toEqual([expect.stringMatching(/^reload ApiPostOrders in \d+ ms \(.*\/shared\/money\.ts\)$/)]);
  });

  it("sees a save on disk through the file system watcher", async () => {
    // Arrange
    const lines: string[] = [];
    const health = aTarget("ApiGetHealth", "health.ts");
    const live = await watching([health], lines);

    // Act
    write("health.ts", "export async function handler() { return 'still ok'; }\n");
    await vi.waitFor(() => expect(health.reload).toHaveBeenCalled(), { timeout: 5_000 });
    await live.settled();

    // Assert
    expect(lines).toEqual([expect.stringMatching(/^reload ApiGetHealth in \d+ ms \(.*\/health\.ts\)$/)]);
  });

  it("does not reload for a file whose content did not change (a touch), and lets the function start workers again", async () => {
    // Arrange
    const lines: string[] = [];
    const orders = aTarget("ApiPostOrders", "orders.ts");
    const live = await watching([orders], lines);

    // Act
    await save(live, "shared/money.ts", "export const cents = (n: number) => n * 100;\n");

    // Assert
    expect(orders.hold).toHaveBeenCalled();
    expect(orders.unhold).toHaveBeenCalled();
    expect(orders.reload).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it("reports a syntax error with file:line, keeps the old version, and reloads once it is fixed", async () => {
    // Arrange
    const lines: string[] = [];
    const orders = aTarget("ApiPostOrders", "orders.ts");
    const live = await watching([orders], lines);

    // Act
    await save(live, "shared/money.ts", "export const cents = (n: number) =>;\n");
    const reloadsWhileBroken = orders.reload.mock.calls.length;
    await save(live, "shared/money.ts", "export const cents = (n: number) => n * 1000;\n");

    // Assert
    expect(reloadsWhileBroken).toBe(0);
    expect(orders.unhold).toHaveBeenCalled();
    expect(lines[0]).toMatch(
      new RegExp(
        `^reload failed: ${relativeDir}/shared/money\\.ts:1:\\d+: .+ \\(ApiPostOrders keeps the last good version\\)$`,
      ),
    );
    expect(lines[1]).toMatch(/^reload ApiPostOrders in \d+ ms/);
    expect(orders.reload).toHaveBeenCalledTimes(1);
  });

  it("reports a function whose new code fails its init, which keeps serving the old", async () => {
    // Arrange
    const lines: string[] = [];
    const health = aTarget("ApiGetHealth", "health.ts", {
      ok: false,
      error: new Error("top-level await failed: no table\n    at stack"),
    });
    const live = await watching([health], lines);

    // Act
    await save(live, "health.ts", "throw new Error('no table');\nexport async function handler() {}\n");

    // Assert
    expect(lines).toEqual([
      "reload failed: ApiGetHealth: top-level await failed: no table (it keeps the last good version)",
    ]);
  });

  it("retries a function whose reload failed on the next change to its files, even one back to the old content", async () => {
    // Arrange: the init fails once (a file it read mid-save), then succeeds.
    const lines: string[] = [];
    const health = aTarget("ApiGetHealth", "health.ts");
    health.reload.mockResolvedValueOnce({ ok: false, error: new Error("Expression expected") });
    const live = await watching([health], lines);
    const original = "export async function handler() { return 'ok'; }\n";

    // Act
    await save(live, "health.ts", "export async function handler() { return 'changed'; }\n");
    await save(live, "health.ts", original);

    // Assert
    expect(health.reload).toHaveBeenCalledTimes(2);
    expect(lines[0]).toMatch(/^reload failed: ApiGetHealth: Expression expected/);
    expect(lines[1]).toMatch(/^reload ApiGetHealth in \d+ ms/);
  });

  it("follows an import added by the change: the new file is watched from then on", async () => {
    // Arrange
    const lines: string[] = [];
    const health = aTarget("ApiGetHealth", "health.ts");
    const live = await watching([health], lines);
    write("shared/status.ts", "export const status = 'ok';\n");

    // Act
    write(
      "health.ts",
      "import { status } from './shared/status.ts';\nexport async function handler() { return status; }\n",
    );
    live.changed(path("health.ts"));
    await live.settled();
    await save(live, "shared/status.ts", "export const status = 'degraded';\n");

    // Assert
    expect(health.reload).toHaveBeenCalledTimes(2);
    expect(lines[1]).toMatch(/^reload ApiGetHealth in \d+ ms \(.*\/shared\/status\.ts\)$/);
  });
});

describe("the names on a reload line", () => {
  it("lists up to four functions and counts the rest", () => {
    expect(nameList(["A"])).toBe("A");
    expect(nameList(["A", "B", "C", "D", "E", "F"])).toBe("A, B, C, D +2 more");
  });
});
