import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FunctionSpec } from "@orders/infra/manifest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultSwitch } from "../../../packages/local/src/faults.ts";
import { WorkerPool } from "../../../packages/local/src/worker-pool.ts";

const root = join(import.meta.dirname, "../../..");
let dir: string;
let pool: WorkerPool | undefined;

/** A handler that answers its version after `event.ms`. */
const writeHandler = (version: string, extra = "") =>
  writeFileSync(
    join(root, dir, "versioned.ts"),
    `${extra}export async function handler(event: { ms: number }) {
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return ${JSON.stringify(version)};
}
`,
  );

function aPool(size: number): WorkerPool {
  const spec: FunctionSpec = { handler: `${dir}/versioned.handler`, links: [], timeoutSeconds: 10, memoryMb: 256 };
  pool = new WorkerPool({ name: "TestVersioned", spec, env: {}, size, faults: new FaultSwitch(), onCalls: () => {} });
  return pool;
}

beforeEach(() => {
  dir = `test/unit/local/fixtures/tmp-${randomUUID().slice(0, 8)}`;
  mkdirSync(join(root, dir), { recursive: true });
  writeHandler("v1");
});

afterEach(async () => {
  await pool?.stop();
  rmSync(join(root, dir), { recursive: true, force: true });
});

describe("reloading a function's workers", { timeout: 60_000 }, () => {
  it("lets an invocation in flight finish on the old code, and starts every later one on the new", async () => {
    // Arrange: two warm workers, one of them busy.
    const workers = aPool(2);
    await Promise.all([workers.invoke({ ms: 300 }), workers.invoke({ ms: 300 })]);
    const inFlight = workers.invoke({ ms: 1_500 });

    // Act
    writeHandler("v2");
    workers.hold();
    const outcome = await workers.reload();
    const after = await Promise.all([workers.invoke({ ms: 0 }), workers.invoke({ ms: 0 }), workers.invoke({ ms: 0 })]);

    // Assert
    expect(outcome).toEqual({ ok: true });
    expect(after).toEqual(["v2", "v2", "v2"]);
    expect(await inFlight).toBe("v1");
    expect(await workers.invoke({ ms: 0 })).toBe("v2");
  });

  it("keeps serving the last good version when the new code fails its init", async () => {
    // Arrange
    const workers = aPool(1);
    expect(await workers.invoke({ ms: 0 })).toBe("v1");

    // Act
    writeHandler("v2", 'throw new Error("init failed on purpose");\n');
    workers.hold();
    const outcome = await workers.reload();

    // Assert
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.error.message).toContain("init failed on purpose");
    expect(await workers.invoke({ ms: 0 })).toBe("v1");
  });

  it("starts one environment ahead of the first invocation when warmed", async () => {
    // Arrange
    const workers = aPool(1);

    // Act
    await workers.warm();
    writeHandler("v2");

    // Assert: the warm environment loaded v1 before the change, and serves it.
    expect(await workers.invoke({ ms: 0 })).toBe("v1");
  });
});
